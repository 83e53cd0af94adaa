import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';
import type { Operation } from '../../wire/admissionReview.js';
import type { EffectivePolicy, RuleName } from '../policy/replicationPolicy.js';
import type { RedisSetup } from './redisSetup.js';

export interface RuleContext {
  policy: EffectivePolicy;
  namespace: string;
  operation: Operation;
  /** The Redis container as the user wrote it (before any mutation of this review). */
  setup: RedisSetup;
  /** The governing Service as the caller read it: null when it does not exist, absent when not looked up. */
  service?: V1Service | null;
}

/** One broken rule, phrased as `field: found X; allowed Y`. */
export interface Violation {
  field: string;
  found: string;
  allowed: string;
  /** Only ever a warning, whatever the policy says for the rule: something that may still be put right. */
  advisory?: boolean;
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
