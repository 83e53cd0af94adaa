import type { Mutator } from './rule.js';
import { mutatedByAnnotation } from '../../wire/replicationNames.js';
import { webhookVersion } from '../../wire/webhookVersion.js';

/** Records which webhook version and policy shaped the object, for whoever debugs it later. */
export const mutatedBy: Mutator = {
  name: 'mutatedBy',
  mutate(sts, ctx) {
    sts.metadata ??= {};
    sts.metadata.annotations ??= {};
    sts.metadata.annotations[mutatedByAnnotation] = `redis-replication-webhook/${webhookVersion} policy=${ctx.policy.name}`;
  },
};
