import type { V1StatefulSet } from '@kubernetes/client-node';
import type { Operation } from '../admission/admissionReview.js';
import type { EffectivePolicy, RuleName } from '../policy/replicationPolicy.js';
import type { RedisSetup } from './redisSetup.js';

export interface RuleContext {
  policy: EffectivePolicy;
  namespace: string;
  operation: Operation;
  /** The Redis container as the user wrote it (before any mutation of this review). */
  setup: RedisSetup;
}

/** One broken rule, phrased as `field: found X; allowed Y`. */
export interface Violation {
  field: string;
  found: string;
  allowed: string;
}

/** Edits the StatefulSet in place; it only ever adds what the user left unset, or refreshes what the webhook owns. */
export interface Mutator {
  name: string;
  mutate(sts: V1StatefulSet, ctx: RuleContext): void;
}

/** Reports violations; the policy decides whether they deny or warn. */
export interface Validator {
  name: RuleName;
  validate(sts: V1StatefulSet, ctx: RuleContext): Violation[];
}
