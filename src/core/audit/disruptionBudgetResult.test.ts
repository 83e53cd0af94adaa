import type { V1LabelSelector, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { disruptionBudgetResult } from './disruptionBudgetResult.js';
import { selects } from './labelSelector.js';
import { sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

const budget = (name: string, selector: V1LabelSelector): V1PodDisruptionBudget => ({ metadata: { name }, spec: { maxUnavailable: 1, selector } });

describe('selects, as the API server matches a LabelSelector', () => {
  const labels = { app: 'cache', tier: 'data' };
  test.each([
    ['matchLabels, all present', { matchLabels: { app: 'cache' } }, true],
    ['matchLabels, one differs', { matchLabels: { app: 'cache', tier: 'web' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['data', 'web'] }] }, true],
    ['In, label absent', { matchExpressions: [{ key: 'track', operator: 'In', values: ['stable'] }] }, false],
    ['NotIn, label absent', { matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] }, true],
    ['NotIn, listed', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['data'] }] }, false],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['an unknown operator', { matchExpressions: [{ key: 'app', operator: 'Near' }] }, false],
    ['empty: everything', {}, true],
  ])('%s', (_label, selector, expected) => {
    expect(selects(selector, labels)).toBe(expected);
  });

  test('no selector: nothing', () => {
    expect(selects(undefined, labels)).toBe(false);
  });
});

describe('disruptionBudgetResult', () => {
  const sts = sampleStatefulSet({ name: 'cache' });

  test('a budget selecting the pod template passes, naming it', () => {
    const result = disruptionBudgetResult(sts, 'recommended', [
      budget('other', { matchLabels: { 'app.kubernetes.io/name': 'web' } }),
      budget('cache', { matchLabels: { 'app.kubernetes.io/name': 'cache' } }),
    ]);
    expect(result).toEqual({ outcome: 'pass', message: 'PodDisruptionBudget cache selects the pods' });
  });

  test('none: a warning when recommended, a failure when required, each naming the labels and the fix', () => {
    const warned = disruptionBudgetResult(sts, 'recommended', [budget('other', { matchLabels: { 'app.kubernetes.io/name': 'web' } })]);
    expect(warned?.outcome).toBe('warn');
    expect(warned?.message).toBe(
      'spec.template.metadata.labels: found no PodDisruptionBudget in namespace default selecting the pods (app.kubernetes.io/name=cache): ' +
        'a node drain may evict the leader and its followers together; allowed a PodDisruptionBudget with maxUnavailable: 1 and the ' +
        "StatefulSet's selector, e.g. kustomize/components/disruption-budget in the kustomization that holds it [policy disruptionBudget: recommended]",
    );
    expect(disruptionBudgetResult(sts, 'required', [])?.outcome).toBe('fail');
  });

  test('off: nothing said', () => {
    expect(disruptionBudgetResult(sts, 'off', [])).toBeUndefined();
  });
});
