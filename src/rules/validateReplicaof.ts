import type { Validator } from './rule.js';
import { userConfig } from './userConfig.js';

export const replicaof: Validator = {
  name: 'replicaof',
  validate(sts) {
    return userConfig(sts)
      .filter((entry) => entry.key === 'replicaof' || entry.key === 'slaveof')
      .map((entry) => ({
        field: entry.field,
        found: `${entry.key} ${entry.value}`.trim(),
        allowed: 'no replicaof/slaveof: the webhook makes pod 0 the leader and points every other pod at it',
      }));
  },
};
