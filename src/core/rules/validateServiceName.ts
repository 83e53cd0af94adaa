import type { Validator, Violation } from './rule.js';

/**
 * Pod 0's DNS name, which every follower's replicaof names, exists only through a headless Service
 * (clusterIP: None) named by spec.serviceName. A Service that exists and is not headless cannot become
 * one (clusterIP is immutable): refused. One that does not exist yet may come in the same apply: a warning.
 */
export const serviceName: Validator = {
  name: 'serviceName',
  validate(sts, { service }) {
    const value = sts.spec?.serviceName;
    if (typeof value !== 'string' || value === '') {
      return [
        {
          field: 'spec.serviceName',
          found: value === undefined ? 'unset' : JSON.stringify(value),
          allowed: 'the name of the headless Service that gives pod 0 its DNS name',
        },
      ];
    }
    const found: Violation[] = [];
    if (service === null) {
      found.push({
        field: 'spec.serviceName',
        found: `no Service ${value} in this namespace (yet)`,
        allowed: `a headless Service ${value} (clusterIP: None) selecting the pods: without it the followers never find pod 0`,
        advisory: true,
      });
    } else if (service && service.spec?.clusterIP !== 'None') {
      found.push({
        field: 'spec.serviceName',
        found: `Service ${value} is not headless (clusterIP ${service.spec?.clusterIP ?? 'unset'}${service.spec?.type ? `, type ${service.spec.type}` : ''}): pods get no DNS names through it`,
        allowed: `a headless Service (clusterIP: None); clusterIP cannot change, so recreate it, or add a second, headless Service and name that one`,
      });
    }
    return found;
  },
};
