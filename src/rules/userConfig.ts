import type { V1StatefulSet } from '@kubernetes/client-node';
import { userConfigAnnotation } from './replicationNames.js';
import { redisContainer } from './redisContainer.js';

/** One redis.conf directive as the user wrote it, and where. */
export interface ConfigEntry {
  key: string;
  value: string;
  field: string;
}

/**
 * The user's own Redis configuration: redis.conf lines in the `redis-replication/config` annotation,
 * and `--key value` arguments of the Redis container (redis-server applies those after the file).
 */
export function userConfig(sts: V1StatefulSet): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const text = sts.metadata?.annotations?.[userConfigAnnotation];
  if (typeof text === 'string') {
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const [key = '', ...rest] = trimmed.split(/\s+/);
      entries.push({ key: key.toLowerCase(), value: rest.join(' '), field: `metadata.annotations["${userConfigAnnotation}"]` });
    }
  }
  const args = redisContainer(sts)?.args;
  if (Array.isArray(args)) {
    args.forEach((arg, i) => {
      if (typeof arg === 'string' && arg.startsWith('--')) {
        const next = args[i + 1];
        const value = typeof next === 'string' && !next.startsWith('--') ? next : '';
        entries.push({ key: arg.slice(2).toLowerCase(), value, field: `spec.template.spec.containers[redis].args[${i}]` });
      }
    });
  }
  return entries;
}
