import type { Mutator } from './rule.js';
import { configVolumeName } from '../../wire/replicationNames.js';

/** The emptyDir the init container renders redis.conf into, shared with the Redis container. */
export const configVolume: Mutator = {
  name: 'configVolume',
  mutate(sts) {
    const pod = sts.spec?.template?.spec;
    if (!pod) return;
    pod.volumes ??= [];
    if (!pod.volumes.some((v) => v?.name === configVolumeName)) pod.volumes.push({ name: configVolumeName, emptyDir: {} });
  },
};
