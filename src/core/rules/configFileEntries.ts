import type { V1ConfigMap, V1Container, V1StatefulSet, V1Volume } from '@kubernetes/client-node';
import type { Violation } from './rule.js';
import type { ConfigEntry } from './userConfig.js';
import { fileOrigins, mountedConfigMaps, normalizePath, type FileOrigin } from './mountedFile.js';
import { redisContainer } from './redisContainer.js';
import { parseRedisConfig } from './redisConfigSyntax.js';
import { userConfigFile } from './redisStart.js';

/**
 * The ConfigMaps of the StatefulSet's namespace the caller read, by name: null for one that does not
 * exist. A name the map does not hold was not read: its files are not checked, and nothing is said.
 */
export type ConfigMaps = ReadonlyMap<string, V1ConfigMap | null>;

/**
 * The ConfigMaps a caller reads for `sts`, by name: every one its Redis container mounts, when its start
 * names a config file (an include may lead into any of them); none otherwise.
 */
export function configMapsToRead(sts: V1StatefulSet): string[] {
  const container = redisContainer(sts);
  return container && userConfigFile(sts) !== undefined ? mountedConfigMaps(container, sts.spec?.template.spec?.volumes ?? []) : [];
}

/** The user's config file as far as ConfigMaps hold it: its directives, includes followed, and what stood in the way. */
export interface ConfigFileRead {
  entries: ConfigEntry[];
  /** Lines redis-server would refuse, include cycles, and (advisory) ConfigMaps or keys not there. */
  findings: Violation[];
}

/** Deep enough for any real layout; a deeper chain is left to the init container's checks rather than followed on. */
const maxIncludeDepth = 10;
const glob = /[*?[]/;

function fileText(configMap: V1ConfigMap, key: string): string | undefined {
  const text = configMap.data?.[key];
  if (text !== undefined) return text;
  const binary = configMap.binaryData?.[key];
  // Byte for byte, one character each, as redis-server reads it.
  return binary === undefined ? undefined : atob(binary);
}

type ConfigMapOrigin = Extract<FileOrigin, { kind: 'configMap' }>;

const notChecked = 'the init container checks the file when the pod starts';

function missingConfigMap(origin: ConfigMapOrigin, path: string): Violation {
  return {
    field: origin.field,
    found: `ConfigMap ${origin.name}, which does not exist yet, so the rules could not check ${path}`,
    allowed: `ConfigMap ${origin.name} created before the StatefulSet, or in the same apply; else ${notChecked}`,
    advisory: true,
  };
}

function missingKey(origin: ConfigMapOrigin, path: string): Violation {
  return {
    field: origin.field,
    found: `ConfigMap ${origin.name} has no key ${origin.key}, so the rules could not check ${path} (redis-server cannot start without it)`,
    allowed: `a key ${origin.key} in ConfigMap ${origin.name}; else ${notChecked}`,
    advisory: true,
  };
}

/**
 * The directives of `path` as the Redis container reads it, when a ConfigMap holds it: in redis-server's
 * order, each `include` of a ConfigMap-backed file followed where it stands. Files from elsewhere (a
 * Secret, a hostPath, an emptyDir an init container fills) cannot be read here, and ConfigMaps the caller
 * did not read are not guessed at: both are left to the init container's checks when the pod starts.
 */
export function configFileEntries(path: string, container: V1Container, volumes: readonly V1Volume[], configMaps: ConfigMaps): ConfigFileRead {
  const read: ConfigFileRead = { entries: [], findings: [] };
  const follow = (file: string, including: readonly string[]): void => {
    const origins = fileOrigins(file, container, volumes);
    const lacking: ConfigMapOrigin[] = [];
    for (const origin of origins) {
      if (origin.kind === 'elsewhere') return;
      const configMap = configMaps.get(origin.name);
      if (configMap === undefined) return;
      if (configMap === null) {
        read.findings.push(missingConfigMap(origin, file));
        return;
      }
      const text = fileText(configMap, origin.key);
      // A projected volume's next source may still hold the file.
      if (text === undefined) {
        lacking.push(origin);
        continue;
      }
      const where = (line: number) => `ConfigMap ${origin.name} key ${origin.key} line ${line}`;
      const parsed = parseRedisConfig(text);
      for (const directive of parsed.directives) {
        const field = where(directive.line);
        read.entries.push({ key: directive.key, value: directive.args.join(' '), field, placement: 'file' });
        const [target] = directive.args;
        // redis-server follows `include` only with exactly one argument; a relative one resolves against a working directory not known here.
        if (directive.key !== 'include' || directive.args.length !== 1 || target === undefined || !target.startsWith('/') || glob.test(target))
          continue;
        const next = normalizePath(target);
        const chain = [...including, file, next];
        if (chain.slice(0, -1).includes(next)) {
          read.findings.push({
            field,
            found: `include ${target}, which is already being read (${chain.join(' includes ')}): redis-server would include it again and again until it crashes`,
            allowed: 'includes that never lead back to a file being read',
          });
        } else if (chain.length <= maxIncludeDepth) {
          follow(next, [...including, file]);
        }
      }
      if (parsed.error) {
        read.findings.push({
          field: where(parsed.error.line),
          found: `${JSON.stringify(parsed.error.text)}: ${parsed.error.reason} (redis-server refuses to start on ${file})`,
          allowed: 'a line redis-server reads: every quote closed, and a closing quote followed by a space or the end of the line',
        });
      }
      return;
    }
    const [first] = lacking;
    if (first) read.findings.push(missingKey(first, file));
  };
  follow(normalizePath(path), []);
  return read;
}
