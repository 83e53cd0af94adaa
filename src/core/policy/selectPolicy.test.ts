import { defaultPolicy } from './defaultPolicy.js';
import type { EffectivePolicy } from './replicationPolicy.js';
import { selectPolicy } from './selectPolicy.js';

const policy = (name: string, namespaces: string[] = [], priority = 0): EffectivePolicy => ({ ...defaultPolicy, name, namespaces, priority });

describe('selectPolicy: which policy governs a StatefulSet', () => {
  const policies = [
    policy('default'),
    policy('all-high', [], 5),
    policy('caches', ['caches']),
    policy('caches-b', ['caches']),
    policy('prod', ['prod'], -1),
  ];
  const chosen = (namespace: string, annotations?: Record<string, string>) => {
    const selection = selectPolicy(policies, namespace, annotations);
    return selection.ok ? selection.policy.name : selection.error;
  };

  test('a policy that lists the namespace beats any policy for all namespaces, whatever its priority', () => {
    expect(chosen('prod')).toBe('prod');
  });

  test('among equally specific policies the higher priority wins, then the name', () => {
    expect(chosen('elsewhere')).toBe('all-high');
    expect(chosen('caches')).toBe('caches');
  });

  test('the annotation names one exactly, among those that apply to the namespace', () => {
    expect(chosen('caches', { 'redis-replication/policy': 'caches-b' })).toBe('caches-b');
    expect(chosen('caches', { 'redis-replication/policy': 'default' })).toBe('default');
  });

  test("the annotation cannot pick another namespace's (laxer) policy", () => {
    expect(chosen('prod', { 'redis-replication/policy': 'caches' })).toBe(
      'metadata.annotations["redis-replication/policy"]: found "caches"; allowed: a policy for namespace "prod" (default, all-high, prod)',
    );
  });

  test('no policy at all for the namespace is an error naming the field', () => {
    const selection = selectPolicy([policy('only', ['a'])], 'b', undefined);
    expect(selection.ok ? '' : selection.error).toBe('metadata.namespace: found "b"; allowed: a namespace a policy applies to (a)');
  });
});
