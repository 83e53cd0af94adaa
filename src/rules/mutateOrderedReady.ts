import type { Mutator } from './rule.js';

/** Pod 0 must exist before its followers, so pods start in order; the field is immutable, hence CREATE only. */
export const orderedReady: Mutator = {
  name: 'orderedReady',
  mutate(sts, ctx) {
    if (ctx.operation === 'CREATE' && sts.spec && sts.spec.podManagementPolicy === undefined) sts.spec.podManagementPolicy = 'OrderedReady';
  },
};
