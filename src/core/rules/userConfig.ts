import type { V1StatefulSet } from '@kubernetes/client-node';
import { bitnamiSettings } from './bitnamiEnv.js';
import { userConfigAnnotation } from '../../wire/replicationNames.js';
import { redisContainer, redisContainerField } from './redisContainer.js';
import { redisStart, type RedisStart } from './redisStart.js';

/** One redis.conf directive as the user wrote it, and where. */
export interface ConfigEntry {
  key: string;
  value: string;
  field: string;
  /**
   * In the order redis-server applies them, later winning: `file`: the user's own config file (read from a
   * ConfigMap, see configFileEntries), which the rendered redis.conf includes. `rendered`: goes into the
   * rendered redis.conf after that include (the annotation; bitnami/redis env, whose entrypoint the
   * webhook replaces). `arguments`: stays on the server's command line, which redis-server applies last.
   */
  placement: 'file' | 'rendered' | 'arguments';
}

/**
 * The user's own Redis configuration, as far as the object shows it: redis.conf lines in the
 * `redis-replication/config` annotation, the env of a bitnami/redis container configured by env, and the
 * `--key value` options of the server's start. The file the start names is not in the object:
 * configFileEntries reads it from ConfigMaps.
 */
export function userConfig(sts: V1StatefulSet, start: RedisStart | undefined = redisStart(sts)): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const text = sts.metadata?.annotations?.[userConfigAnnotation];
  if (typeof text === 'string') {
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const [key = '', ...rest] = trimmed.split(/\s+/);
      entries.push({
        key: key.toLowerCase(),
        value: rest.join(' '),
        field: `metadata.annotations["${userConfigAnnotation}"]`,
        placement: 'rendered',
      });
    }
  }
  const container = redisContainer(sts);
  if (container && start?.kind === 'bitnami-env') {
    for (const { field, setting } of bitnamiSettings(container, redisContainerField(sts))) {
      if (setting.config) entries.push({ ...setting.config, field, placement: 'rendered' });
    }
  }
  if (start?.kind === 'server') {
    for (const option of start.options)
      entries.push({ key: option.key, value: option.values.join(' '), field: option.field, placement: 'arguments' });
  }
  return entries;
}

const placementOrder: Record<ConfigEntry['placement'], number> = { file: 0, rendered: 1, arguments: 2 };

/**
 * The last value the user gives `key`: redis-server lets the last one win; the rendered config's own lines
 * come after the include of the user's file, and arguments after every file. Within a placement, entries
 * keep their order (a file's includes expanded where they stand).
 */
export function lastValue(entries: readonly ConfigEntry[], key: string): ConfigEntry | undefined {
  return [...entries]
    .filter((e) => e.key === key)
    .sort((a, b) => placementOrder[a.placement] - placementOrder[b.placement])
    .pop();
}
