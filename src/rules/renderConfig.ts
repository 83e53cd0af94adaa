import type { V1StatefulSet } from '@kubernetes/client-node';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { dataClaimName } from './dataVolume.js';
import { userConfig } from './userConfig.js';

/** Directives the role script writes itself; a user value for them would be overridden or unsafe. */
const scriptOwned = new Set(['port', 'bind', 'dir', 'replicaof', 'slaveof', 'requirepass', 'masterauth']);

/**
 * The redis.conf body: policy defaults, `appendonly yes` when the data is on a persistent volume, then
 * the user's annotation keys, which win. Container args are left to redis-server, which applies them last.
 */
export function renderConfig(sts: V1StatefulSet, policy: EffectivePolicy): string {
  const merged = new Map<string, string>(Object.entries(policy.config));
  if (dataClaimName(sts, policy.persistence.dataPath) !== undefined && !merged.has('appendonly')) merged.set('appendonly', 'yes');
  for (const entry of userConfig(sts)) {
    if (entry.field.startsWith('metadata.') && !scriptOwned.has(entry.key)) merged.set(entry.key, entry.value);
  }
  return [...merged].map(([key, value]) => `${key} ${value}`).join('\n');
}
