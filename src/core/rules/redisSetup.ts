import type { V1Container, V1StatefulSet } from '@kubernetes/client-node';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { configFileEntries, type ConfigMaps } from './configFileEntries.js';
import { groupPassword, userPasswords, type PasswordSource } from './passwordSource.js';
import { redisContainer } from './redisContainer.js';
import { redisImage, type RedisImage } from './redisImage.js';
import { redisStart, userConfigFile, type RedisStart } from './redisStart.js';
import type { Violation } from './rule.js';
import { lastValue, userConfig, type ConfigEntry } from './userConfig.js';

/**
 * Everything the rules need to know about the Redis container as the user wrote it, worked out once
 * per review: how it starts, the config it is given, the password, the port, and where its data lives.
 */
export interface RedisSetup {
  container?: V1Container;
  image?: RedisImage;
  start?: RedisStart;
  /** The user's config: their file's lines (when a ConfigMap the caller read holds it) first, then the rest, in redis-server's order. */
  config: ConfigEntry[];
  /** The user's own config file, which the rendered config includes. */
  userConfigFile?: string;
  /** What reading that file found besides directives (see configFileEntries), for the configFile rule to report. */
  configFileFindings: Violation[];
  passwords: PasswordSource[];
  /** The password the group runs with (the user's Secret, else the policy's), if any. */
  password?: Extract<PasswordSource, { kind: 'secret' }>;
  port: number;
  /** The volumeClaimTemplate that holds the data, if any. */
  dataClaim?: string;
  /** Where the data lives: the data claim's mount in the Redis container, else the policy's or the image's data path. */
  dataDir: string;
}

function userPort(config: readonly ConfigEntry[]): number | undefined {
  const value = Number(lastValue(config, 'port')?.value);
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? value : undefined;
}

/** `configMaps`: the ConfigMaps the caller read (see mountedConfigMaps); absent, the user's config file is not read. */
export function redisSetup(sts: V1StatefulSet, policy: EffectivePolicy, configMaps?: ConfigMaps): RedisSetup {
  const container = redisContainer(sts);
  const image = redisImage(container?.image);
  const start = redisStart(sts);
  const file = userConfigFile(sts, start);
  const fileRead =
    file !== undefined && container && configMaps
      ? configFileEntries(file, container, sts.spec?.template.spec?.volumes ?? [], configMaps)
      : { entries: [], findings: [] };
  const config = [...fileRead.entries, ...userConfig(sts, start)];
  const passwords = userPasswords(sts, start, config);
  const password = groupPassword(passwords, policy);
  const claims = (sts.spec?.volumeClaimTemplates ?? []).map((t) => t?.metadata?.name).filter((n): n is string => typeof n === 'string');
  const mounted = container?.volumeMounts?.find((m) => typeof m?.name === 'string' && claims.includes(m.name) && !m.subPath);
  const dataClaim = mounted?.name ?? (claims.includes('data') ? 'data' : claims.length === 1 ? claims[0] : undefined);
  return {
    ...(container ? { container } : {}),
    ...(image ? { image } : {}),
    ...(start ? { start } : {}),
    config,
    ...(file === undefined ? {} : { userConfigFile: file }),
    configFileFindings: fileRead.findings,
    passwords,
    ...(password ? { password } : {}),
    port: userPort(config) ?? policy.port,
    ...(dataClaim === undefined ? {} : { dataClaim }),
    dataDir: mounted?.mountPath ?? policy.persistence.dataPath ?? image?.dataDir ?? '/data',
  };
}
