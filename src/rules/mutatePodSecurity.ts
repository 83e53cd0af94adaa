import type { Mutator } from './rule.js';
import { redisUid } from './replicationNames.js';

/** Pod-level defaults of the restricted standard; fsGroup makes the data volume writable by the redis user. */
export const podSecurity: Mutator = {
  name: 'podSecurity',
  mutate(sts) {
    const pod = sts.spec?.template?.spec;
    if (!pod || pod.securityContext !== undefined) return;
    pod.securityContext = { runAsNonRoot: true, fsGroup: redisUid, seccompProfile: { type: 'RuntimeDefault' } };
  },
};
