import * as names from './replicationNames.js';

// A container port's name is an IANA service name: at most 15 characters, lowercase letters, digits and
// single inner hyphens, at least one letter. The API server refuses a pod with any other, so the
// StatefulSet would be stored and never get a pod (found on the real node: "sentinel-metrics" is 16).
test.each(Object.entries(names).filter(([key]) => key.endsWith('PortName')))('%s is a valid container port name', (_key, value) => {
  expect(value).toMatch(/^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/);
});
