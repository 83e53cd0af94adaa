import type { V1LabelSelector } from '@kubernetes/client-node';

/** A LabelSelector object in the query syntax of `?labelSelector=`: `a=b,c in (d,e),!f`. */
export function labelSelectorQuery(selector: V1LabelSelector | undefined): string {
  const terms = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    if (operator === 'In') terms.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') terms.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') terms.push(key);
    else if (operator === 'DoesNotExist') terms.push(`!${key}`);
    else throw new Error(`spec.selector.matchExpressions[${key}].operator: found "${operator}"; expected In, NotIn, Exists or DoesNotExist`);
  }
  return terms.join(',');
}
