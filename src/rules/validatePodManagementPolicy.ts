import type { Validator } from './rule.js';

export const podManagementPolicy: Validator = {
  name: 'podManagementPolicy',
  validate(sts) {
    const value = sts.spec?.podManagementPolicy;
    if (value === undefined || value === 'OrderedReady') return [];
    return [{ field: 'spec.podManagementPolicy', found: JSON.stringify(value), allowed: 'OrderedReady (pod 0, the leader, must start first)' }];
  },
};
