import type { Validator } from './rule.js';
import { bitnamiRefusals } from './bitnamiEnv.js';
import { containerWords, matchingLine } from './containerWords.js';
import { redisContainerField } from './redisContainer.js';

const allowed = 'no Sentinel of your own: with it, two mechanisms would decide who leads; remove the Sentinel containers and scripts, or the label';
const sentinelWords = /sentinel/i;

/** A group that runs its own Sentinel (a sidecar, or a start script that asks one) already has a role mechanism. */
export const sentinel: Validator = {
  name: 'sentinel',
  validate(sts, { setup }) {
    const fromContainers = containerWords(sts, setup).flatMap(({ container, field, text }) => {
      const line = matchingLine(text, sentinelWords);
      return line === undefined ? [] : [{ field, found: `${container} runs or asks a Sentinel: "${line}"`, allowed }];
    });
    const fromConfig =
      setup.start?.kind === 'server' && setup.start.options.some((o) => o.key === 'sentinel')
        ? [
            {
              field: setup.start.options.find((o) => o.key === 'sentinel')!.field,
              found: 'redis-server --sentinel (the Redis container is a Sentinel)',
              allowed,
            },
          ]
        : [];
    const fromEnv = setup.start?.kind === 'bitnami-env' ? bitnamiRefusals(setup.container, redisContainerField(sts), 'sentinel') : [];
    return [...fromContainers, ...fromConfig, ...fromEnv];
  },
};
