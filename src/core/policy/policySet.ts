import { defaultPolicy } from './defaultPolicy.js';
import type { EffectivePolicy } from './replicationPolicy.js';

/**
 * The policies in force, from sources of rising precedence: the built-in default, then each source in
 * the order given (the webhook passes the policy files, then the cluster's ReplicationPolicy objects).
 * A policy replaces the one of the same name from an earlier source: the cluster holds the fresher copy
 * of the same git source, and a policy named `default` replaces the built-in one.
 */
export function policySet(...sources: readonly (readonly EffectivePolicy[])[]): EffectivePolicy[] {
  const byName = new Map<string, EffectivePolicy>([[defaultPolicy.name, defaultPolicy]]);
  for (const source of sources) for (const policy of source) byName.set(policy.name, policy);
  return [...byName.values()];
}
