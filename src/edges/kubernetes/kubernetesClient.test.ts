import { ApiException } from '@kubernetes/client-node';
import { apiStatus, describeApiError, orAbsent } from './kubernetesClient.js';

const forbidden = new ApiException(
  403,
  'Message: Forbidden\nHTTP response body: {...}\nHeaders: {"audit-id":"x"}',
  JSON.stringify({ kind: 'Status', reason: 'Forbidden', message: 'statefulsets.apps "cache" is forbidden: User "x" cannot get resource' }),
  { 'audit-id': 'x' },
);

test('an API failure reads as its status, reason and the API server message, without the headers', () => {
  expect(describeApiError(forbidden)).toBe('HTTP 403 Forbidden: statefulsets.apps "cache" is forbidden: User "x" cannot get resource');
  expect(describeApiError(new ApiException(502, 'bad gateway', '<html>proxy</html>', {}))).toBe('HTTP 502');
  expect(describeApiError({ statusCode: 410, body: { message: 'too old resource version' } })).toBe('HTTP 410: too old resource version');
  expect(describeApiError(new Error('connect ECONNREFUSED 127.0.0.1:6443'))).toBe('connect ECONNREFUSED 127.0.0.1:6443');
});

test('a 404 is an answer, anything else a failure', async () => {
  expect(apiStatus(new ApiException(404, '', '', {}))).toBe(404);
  await expect(orAbsent(Promise.reject(new ApiException(404, 'not found', '', {})))).resolves.toBeUndefined();
  await expect(orAbsent(Promise.reject(forbidden))).rejects.toBe(forbidden);
  await expect(orAbsent(Promise.resolve('found'))).resolves.toBe('found');
});
