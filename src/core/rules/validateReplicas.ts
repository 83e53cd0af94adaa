import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import type { Validator } from './rule.js';

/** The sizes a policy admits, and why, as `allowed` reads in a message. With Sentinel, a majority must survive a lost member. */
export function replicaRange(policy: EffectivePolicy): { min: number; max: number; allowed: string } {
  const sentinel = policy.failover.mode === 'sentinel';
  const min = sentinel ? Math.max(policy.replicas.min, 3) : policy.replicas.min;
  const max = Math.max(policy.replicas.max, min);
  const why = sentinel && policy.replicas.min < 3 ? ' with failover.mode sentinel: its Sentinels need a majority left after losing one' : '';
  return { min, max, allowed: `${min} to ${max} (policy "${policy.name}"${why})` };
}

export const replicas: Validator = {
  name: 'replicas',
  validate(sts, { policy }) {
    const { min, max, allowed } = replicaRange(policy);
    const value = sts.spec?.replicas;
    // The API server defaults an absent replicas to 1.
    const effective = value ?? 1;
    if (typeof effective === 'number' && Number.isInteger(effective) && effective >= min && effective <= max) return [];
    return [{ field: 'spec.replicas', found: value === undefined ? 'unset (defaults to 1)' : JSON.stringify(value), allowed }];
  },
};
