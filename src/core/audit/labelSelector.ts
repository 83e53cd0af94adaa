import type { V1LabelSelector } from '@kubernetes/client-node';

/**
 * Whether `selector` selects an object with `labels`, as the API server matches a LabelSelector: every
 * matchLabels pair and every matchExpression. An empty selector selects everything; a missing one
 * nothing (as a policy/v1 PodDisruptionBudget reads them).
 */
export function selects(selector: V1LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return false;
  if (!Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value)) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = Object.hasOwn(labels, key) ? labels[key] : undefined;
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        // An operator the API server would not have stored: it selects nothing.
        return false;
    }
  });
}
