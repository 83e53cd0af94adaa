import type { V1Container, V1StatefulSet } from '@kubernetes/client-node';
import { configFile, userConfigFileEnv } from '../../wire/replicationNames.js';
import { redisContainer, redisContainerField } from './redisContainer.js';
import { redisImage, type RedisImage } from './redisImage.js';
import { wiredEnv } from './wiredInitContainer.js';

/** One word of the container's start, with the field it came from. */
interface Token {
  value: string;
  field: string;
}

/** A `--key value...` argument of redis-server, which it applies after its config file. */
export interface ServerOption {
  key: string;
  values: string[];
  field: string;
}

/**
 * How the Redis container starts, as far as the webhook understands it:
 * - `server`: redis-server (or valkey-server) itself, perhaps through the image's entrypoint, with an
 *   optional config file and `--key value` options. `wired` when the config file is the rendered one.
 * - `bitnami-env`: bitnami/redis with neither command nor args: its entrypoint configures Redis from env.
 * - `unsupported`: a start the webhook cannot rewire (a shell script, a wrapper, another program).
 */
export type RedisStart =
  | {
      kind: 'server';
      /** The server as written (`redis-server`, `/usr/local/bin/redis-server`); undefined when the image's entrypoint implies it. */
      server?: string;
      configFile?: Token;
      options: ServerOption[];
      /** The words after the config file, verbatim (`$(VAR)` references included): what redis-server gets after it. */
      rest: string[];
      wired: boolean;
    }
  | { kind: 'bitnami-env' }
  | { kind: 'unsupported'; field: string; found: string; script?: string };

const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox']);
const servers = new Set(['redis-server', 'valkey-server']);

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function tokens(list: unknown, field: string): Token[] {
  return Array.isArray(list) ? list.map((value, i) => ({ value: typeof value === 'string' ? value : String(value), field: `${field}[${i}]` })) : [];
}

/** A shell's script (`sh -c SCRIPT`, `sh FILE`), for the messages and for the rules that look inside scripts. */
function scriptOf(words: Token[]): string | undefined {
  const flag = words.findIndex((w) => w.value === '-c' || /^-[a-z]*c$/.test(w.value));
  return flag >= 0
    ? words[flag + 1]?.value
    : words
        .slice(1)
        .map((w) => w.value)
        .join(' ');
}

/** redis-server's own reading of its arguments: an optional config file, then `--key value...` options. */
function serverArguments(server: string | undefined, words: Token[]): RedisStart {
  const [first, ...others] = words;
  const file = first !== undefined && !first.value.startsWith('--') ? first : undefined;
  const after = file ? others : words;
  const options: ServerOption[] = [];
  for (const word of after) {
    if (word.value.startsWith('--')) {
      // "--loglevel warning" as one word is read by redis-server as the key and its value.
      const [key = '', ...values] = word.value.slice(2).split(' ');
      options.push({ key: key.toLowerCase(), values, field: word.field });
    } else if (options.length > 0) {
      options[options.length - 1].values.push(word.value);
    } else {
      return { kind: 'unsupported', field: word.field, found: `${JSON.stringify(word.value)} where redis-server expects --key value` };
    }
  }
  if (file?.value === '-') return { kind: 'unsupported', field: file.field, found: 'a config read from standard input' };
  return {
    kind: 'server',
    ...(server === undefined ? {} : { server }),
    ...(file ? { configFile: file } : {}),
    options,
    rest: after.map((w) => w.value),
    wired: file?.value === configFile,
  };
}

/**
 * The container's words as the runtime runs them, then what they start. `recordedUserFile`: the
 * webhook's init container records a config file of the user's, so the start was wired from a server
 * start with that file, even where it now reads like a wired bitnami env start.
 */
export function startOf(container: V1Container, field: string, recordedUserFile = false): RedisStart {
  const image: RedisImage | undefined = redisImage(container.image);
  const command = tokens(container.command, `${field}.command`);
  const args = tokens(container.args, `${field}.args`);
  // An empty list is an absent one: the API server stores neither.
  if (command.length === 0) {
    if (image?.family === 'bitnami' && args.length === 0) return { kind: 'bitnami-env' };
    if (!image?.serverEntrypoint) {
      return { kind: 'unsupported', field: `${field}.command`, found: `no command, and the image's own entrypoint is not one the webhook knows` };
    }
    return entrypointStart(image, args);
  }
  const words = [...command, ...args];
  // bitnami/redis configured by env, as the webhook wires it: still configured by that env.
  if (
    !recordedUserFile &&
    image?.family === 'bitnami' &&
    words.length === 2 &&
    servers.has(basename(words[0].value)) &&
    words[1].value === configFile
  )
    return { kind: 'bitnami-env' };
  return explicitStart(image, [command[0], ...command.slice(1), ...args]);
}

/** The docker-library entrypoint: options or a config file first mean redis-server; no arguments, its default cmd. */
function entrypointStart(image: RedisImage, words: Token[]): RedisStart {
  const [first] = words;
  if (first === undefined) return serverArguments(undefined, []);
  if (first.value.startsWith('-') || first.value.endsWith('.conf')) return serverArguments(undefined, words);
  return explicitStart(image, [first, ...words.slice(1)]);
}

function explicitStart(image: RedisImage | undefined, words: [Token, ...Token[]]): RedisStart {
  const [first, ...rest] = words;
  const program = basename(first.value);
  if (servers.has(program)) return serverArguments(first.value, rest);
  if (program === 'docker-entrypoint.sh' && image?.serverEntrypoint) return entrypointStart(image, rest);
  const shown = words.map((w) => w.value).join(' ');
  if (shells.has(program)) {
    const script = scriptOf(words) ?? '';
    return { kind: 'unsupported', field: first.field, found: `a shell script (${abbreviate(shown)})`, script };
  }
  return {
    kind: 'unsupported',
    field: first.field,
    found: `${program === 'redis-sentinel' || program === 'valkey-sentinel' ? 'a Sentinel' : 'a program that is not the server'} (${abbreviate(shown)})`,
  };
}

function abbreviate(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}

/** The start of the StatefulSet's Redis container. */
export function redisStart(sts: V1StatefulSet): RedisStart | undefined {
  const container = redisContainer(sts);
  return container ? startOf(container, redisContainerField(sts), wiredEnv(sts, userConfigFileEnv) !== undefined) : undefined;
}

/**
 * The user's own config file: the one their start names, or, once the start is wired to the rendered
 * file, the one the webhook's init container recorded when it wired it.
 */
export function userConfigFile(sts: V1StatefulSet, start: RedisStart | undefined = redisStart(sts)): string | undefined {
  if (start?.kind !== 'server') return undefined;
  return start.wired ? wiredEnv(sts, userConfigFileEnv) : start.configFile?.value;
}
