import type { Mutator } from './rule.js';
import { expectedPodManagement, podManagementSetByMutation } from './validatePodManagementPolicy.js';

/** How pods start (pod 0 first, or all at once with Sentinel); the field is immutable, hence on create only. */
export const orderedReady: Mutator = {
  name: 'orderedReady',
  mutate(sts, ctx) {
    if (sts.spec && podManagementSetByMutation(sts, ctx.operation, ctx.policy))
      sts.spec.podManagementPolicy = expectedPodManagement(ctx.policy).value;
  },
};
