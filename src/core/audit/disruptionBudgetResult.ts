import type { V1PodDisruptionBudget, V1StatefulSet } from '@kubernetes/client-node';
import type { DisruptionBudgetMode } from '../policy/replicationPolicy.js';
import { selects } from './labelSelector.js';

/** What check and the audit say of a group's PodDisruptionBudget, in the Policy WG's result values. */
export interface DisruptionBudgetResult {
  outcome: 'pass' | 'warn' | 'fail';
  message: string;
}

/**
 * Whether a PodDisruptionBudget of the group's namespace selects its pods (the template's labels), as the
 * policy's `disruptionBudget` asks: without one a drain may evict the leader and its followers together.
 * Undefined when the policy says `off`. Not an admission rule: a budget may come after the StatefulSet
 * in the same apply, and a mutating webhook cannot create one.
 */
export function disruptionBudgetResult(
  sts: V1StatefulSet,
  mode: DisruptionBudgetMode,
  budgets: readonly V1PodDisruptionBudget[],
): DisruptionBudgetResult | undefined {
  if (mode === 'off') return undefined;
  const labels = sts.spec?.template?.metadata?.labels ?? {};
  const selecting = budgets.filter((budget) => selects(budget.spec?.selector, labels)).map((budget) => budget.metadata?.name ?? '');
  if (selecting.length > 0) return { outcome: 'pass', message: `PodDisruptionBudget ${selecting.join(', ')} selects the pods` };
  const shown = Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const namespace = sts.metadata?.namespace ?? 'default';
  return {
    outcome: mode === 'required' ? 'fail' : 'warn',
    message:
      `spec.template.metadata.labels: found no PodDisruptionBudget in namespace ${namespace} selecting the pods (${shown || 'no labels'}): ` +
      `a node drain may evict the leader and its followers together; allowed a PodDisruptionBudget with maxUnavailable: 1 and the ` +
      `StatefulSet's selector, e.g. kustomize/components/disruption-budget in the kustomization that holds it [policy disruptionBudget: ${mode}]`,
  };
}
