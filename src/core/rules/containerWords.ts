import type { V1StatefulSet } from '@kubernetes/client-node';
import { initContainerName, sentinelContainerName } from '../../wire/replicationNames.js';
import { redisContainer } from './redisContainer.js';
import type { RedisSetup } from './redisSetup.js';

/** What a container of the user's runs, as one text, and where: what the webhook can see of a role mechanism of their own. */
export interface ContainerWords {
  /** `initContainers[1] (config)` or `containers[0] (redis)`, for messages. */
  container: string;
  field: string;
  text: string;
}

/**
 * The command and arguments of every container the user wrote (the webhook's own init and Sentinel containers aside),
 * joined: shell scripts included. The Redis container counts only when its start is not understood: an
 * understood one is read option by option (userConfig).
 */
export function containerWords(sts: V1StatefulSet, setup: RedisSetup): ContainerWords[] {
  const pod = sts.spec?.template?.spec;
  const redis = redisContainer(sts);
  const lists = [
    ['initContainers', pod?.initContainers ?? []],
    ['containers', pod?.containers ?? []],
  ] as const;
  return lists.flatMap(([list, containers]) =>
    containers.flatMap((c, i) => {
      if (typeof c !== 'object' || c === null || c.name === initContainerName || c.name === sentinelContainerName) return [];
      if (c === redis && setup.start?.kind !== 'unsupported') return [];
      const words = [...(c.command ?? []), ...(c.args ?? [])].filter((w) => typeof w === 'string');
      return words.length === 0 ? [] : [{ container: `${list}[${i}] (${c.name})`, field: `spec.template.spec.${list}[${i}]`, text: words.join(' ') }];
    }),
  );
}

/** The first line of `text` that matches `pattern`, shortened, to show what was found. */
export function matchingLine(text: string, pattern: RegExp): string | undefined {
  const line = text.split('\n').find((l) => pattern.test(l));
  if (line === undefined) return undefined;
  const trimmed = line.trim().replace(/\s+/g, ' ');
  return trimmed.length > 80 ? `${trimmed.slice(0, 77)}...` : trimmed;
}
