import type { Validator } from './rule.js';
import { bitnamiRefusals } from './bitnamiEnv.js';
import { redisContainerField } from './redisContainer.js';
import { lastValue } from './userConfig.js';

const useSecret =
  "a password from a Secret, which the webhook carries to every member (requirepass, masterauth) and to the probes: env REDIS_PASSWORD with valueFrom.secretKeyRef, and args [--requirepass, $(REDIS_PASSWORD)]; or the policy's auth";

/**
 * The group must end up with no less auth than the user asked for, and every member and probe must
 * know the password. A password the webhook cannot carry from a Secret is refused with the way to do so.
 */
export const auth: Validator = {
  name: 'auth',
  validate(sts, { setup }) {
    const unusable = setup.passwords.filter((p) => p.kind === 'unusable').map((p) => ({ field: p.field, found: p.found, allowed: useSecret }));
    const field = redisContainerField(sts);
    const fromEnv = setup.start?.kind === 'bitnami-env' ? bitnamiRefusals(setup.container, field, 'auth') : [];
    const emptyAllowed = setup.container?.env?.some((e) => e?.name === 'ALLOW_EMPTY_PASSWORD' && e.value === 'yes');
    // bitnami/redis refuses to start without a password unless told otherwise; started directly it would run open.
    const bitnamiOpen =
      setup.start?.kind === 'bitnami-env' && setup.passwords.length === 0 && !setup.password && !emptyAllowed
        ? [
            {
              field: `${field}.env`,
              found: 'neither REDIS_PASSWORD nor ALLOW_EMPTY_PASSWORD=yes (bitnami/redis would refuse to start)',
              allowed: `${useSecret}; or ALLOW_EMPTY_PASSWORD=yes for a group without a password`,
            },
          ]
        : [];
    const protectedMode = lastValue(setup.config, 'protected-mode');
    const closed =
      protectedMode && /^"?yes"?$/i.test(protectedMode.value) && !setup.password
        ? [
            {
              field: protectedMode.field,
              found: "protected-mode yes without a password: Redis then refuses the followers' connections",
              allowed: `${useSecret}; or protected-mode no`,
            },
          ]
        : [];
    return [...unusable, ...fromEnv, ...bitnamiOpen, ...closed];
  },
};
