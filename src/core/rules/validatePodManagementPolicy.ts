import type { V1StatefulSet } from '@kubernetes/client-node';
import type { Operation } from '../../wire/admissionReview.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import type { Validator } from './rule.js';

/**
 * Pod 0 leads a group without failover, so it must start first. With Sentinel any member may lead, and
 * a group restarted at once must start together: a member following the recorded leader is not ready
 * until that leader runs, so ordered starts would wait on each other forever.
 */
export function expectedPodManagement(policy: EffectivePolicy): { value: 'OrderedReady' | 'Parallel'; allowed: string } {
  const value = policy.failover.mode === 'sentinel' ? 'Parallel' : 'OrderedReady';
  const why =
    value === 'Parallel'
      ? 'with failover.mode sentinel: the member that led last may be any pod, and the others wait for it'
      : 'pod 0, the leader, must start first';
  return {
    value,
    allowed: `${value} (${why}); the field cannot be changed on a stored StatefulSet: kubectl delete statefulset NAME --cascade=orphan, then apply it with podManagementPolicy: ${value} (pods and volumes are kept)`,
  };
}

/**
 * Whether mutation sets the field on this write: the API server defaults an unset one to OrderedReady
 * before any webhook sees it, so on a create that value cannot be told from no value at all.
 */
export function podManagementSetByMutation(sts: V1StatefulSet, operation: Operation, policy: EffectivePolicy): boolean {
  const value = sts.spec?.podManagementPolicy;
  if (value === undefined) return operation === 'CREATE';
  return operation === 'CREATE' && value === 'OrderedReady' && expectedPodManagement(policy).value === 'Parallel';
}

export const podManagementPolicy: Validator = {
  name: 'podManagementPolicy',
  validate(sts, { policy, operation }) {
    const { value, allowed } = expectedPodManagement(policy);
    const found = sts.spec?.podManagementPolicy;
    if ((found ?? 'OrderedReady') === value || podManagementSetByMutation(sts, operation, policy)) return [];
    return [{ field: 'spec.podManagementPolicy', found: found === undefined ? 'unset (OrderedReady)' : JSON.stringify(found), allowed }];
  },
};
