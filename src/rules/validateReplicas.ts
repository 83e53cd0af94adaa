import type { Validator } from './rule.js';

export const replicas: Validator = {
  name: 'replicas',
  validate(sts, { policy }) {
    const { min, max } = policy.replicas;
    const value = sts.spec?.replicas;
    // The API server defaults an absent replicas to 1.
    const effective = value ?? 1;
    if (typeof effective === 'number' && Number.isInteger(effective) && effective >= min && effective <= max) return [];
    return [
      {
        field: 'spec.replicas',
        found: value === undefined ? 'unset (defaults to 1)' : JSON.stringify(value),
        allowed: `${min} to ${max} (policy "${policy.name}")`,
      },
    ];
  },
};
