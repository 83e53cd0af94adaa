import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import type { RedisSetup } from './redisSetup.js';
import type { SentinelGroup } from './sentinelGroup.js';
import type { ConfigEntry } from './userConfig.js';

/** Directives the role script writes itself, after everything else; a user value for them would be overridden or unsafe. */
const scriptOwned = new Set(['port', 'bind', 'dir', 'replicaof', 'slaveof', 'requirepass', 'masterauth']);

/** rename-command may appear once per command; every other directive once. */
const directive = (entry: Pick<ConfigEntry, 'key' | 'value'>) =>
  entry.key === 'rename-command' ? `${entry.key} ${entry.value.split(/\s+/)[0]}` : entry.key;

/**
 * The redis.conf body, in the order that makes the right value win (later lines win in redis.conf):
 * the policy's defaults (and `appendonly yes` when the data is on a volume, the write majority with Sentinel); `include` of the user's own
 * config file, so it overrides them; the user's lines from the annotation (and a bitnami/redis env),
 * which override both. The role script then appends what replication owns, and redis-server applies
 * the container's `--key value` arguments last of all.
 */
export function renderConfig(setup: RedisSetup, policy: EffectivePolicy, sentinel?: SentinelGroup): string {
  const user = new Map<string, ConfigEntry>();
  for (const entry of setup.config) if (entry.placement === 'rendered' && !scriptOwned.has(entry.key)) user.set(directive(entry), entry);
  const defaults = new Map<string, string>(Object.entries(policy.config));
  if (setup.dataClaim !== undefined && !defaults.has('appendonly')) defaults.set('appendonly', 'yes');
  if (sentinel) {
    // A leader cut off from the majority (an old one come back, one on the wrong side of a partition)
    // refuses writes instead of taking writes a failover will throw away.
    if (!defaults.has('min-replicas-to-write')) defaults.set('min-replicas-to-write', String(sentinel.minReplicasToWrite));
    if (!defaults.has('min-replicas-max-lag')) defaults.set('min-replicas-max-lag', '10');
  }
  const overridden = new Set([...user.values()].map((e) => e.key));
  return [
    ...[...defaults].filter(([key]) => !overridden.has(key)).map(([key, value]) => `${key} ${value}`),
    ...(setup.userConfigFile === undefined ? [] : [`include ${setup.userConfigFile}`]),
    ...[...user.values()].map((e) => `${e.key} ${e.value}`),
  ].join('\n');
}
