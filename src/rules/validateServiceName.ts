import type { Validator } from './rule.js';

export const serviceName: Validator = {
  name: 'serviceName',
  validate(sts) {
    const value = sts.spec?.serviceName;
    if (typeof value === 'string' && value !== '') return [];
    return [{ field: 'spec.serviceName', found: value === undefined ? 'unset' : JSON.stringify(value), allowed: 'the name of the headless Service that gives pod 0 its DNS name' }];
  },
};
