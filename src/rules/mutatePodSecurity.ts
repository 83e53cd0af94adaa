import type { Mutator } from './rule.js';
import { imageUser } from './imageUser.js';
import { redisContainer } from './redisContainer.js';

/**
 * Pod-level defaults of the restricted standard, field by field: the API server defaults an absent pod
 * securityContext to `{}` before webhooks run, so "absent" never reaches us. fsGroup makes the data
 * volume writable by the redis user.
 */
export const podSecurity: Mutator = {
  name: 'podSecurity',
  mutate(sts) {
    const pod = sts.spec?.template?.spec;
    if (!pod || pod.securityContext === null) return;
    pod.securityContext ??= {};
    const context = pod.securityContext;
    context.runAsNonRoot ??= true;
    context.fsGroup ??= imageUser(redisContainer(sts)?.image);
    context.seccompProfile ??= { type: 'RuntimeDefault' };
  },
};
