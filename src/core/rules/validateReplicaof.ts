import type { Validator } from './rule.js';
import { bitnamiRefusals } from './bitnamiEnv.js';
import { containerWords, matchingLine } from './containerWords.js';
import { redisContainerField } from './redisContainer.js';

const allowed = 'no replicaof/slaveof of your own: the webhook makes pod 0 the leader and points every other pod at it';
const replicaofWord = /\b(replicaof|slaveof)\b/i;

/** A role mechanism of the user's would compete with the webhook's: in their config, their env, or a script of theirs. */
export const replicaof: Validator = {
  name: 'replicaof',
  validate(sts, { setup }) {
    const fromConfig = setup.config
      .filter((entry) => entry.key === 'replicaof' || entry.key === 'slaveof')
      .map((entry) => ({ field: entry.field, found: `${entry.key} ${entry.value}`.trim(), allowed }));
    const fromScripts = containerWords(sts, setup).flatMap(({ container, field, text }) => {
      const line = matchingLine(text, replicaofWord);
      return line === undefined
        ? []
        : [{ field, found: `${container} decides roles itself: "${line}"`, allowed: `${allowed}; remove that logic, or the label` }];
    });
    const fromEnv = setup.start?.kind === 'bitnami-env' ? bitnamiRefusals(setup.container, redisContainerField(sts), 'replicaof') : [];
    return [...fromConfig, ...fromScripts, ...fromEnv];
  },
};
