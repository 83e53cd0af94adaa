import { defaultPolicy } from '../policy/defaultPolicy.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { expressibleRules, notExpressible, validatingAdmissionPolicies } from './validatingAdmissionPolicy.js';
import { ruleNames } from '../policy/replicationPolicy.js';

const caches: EffectivePolicy = {
  ...defaultPolicy,
  name: 'caches',
  namespaces: ['caches', 'sessions'],
  rules: { ...defaultPolicy.rules, replicas: 'warn' },
};
const laxer: EffectivePolicy = { ...defaultPolicy, name: 'laxer', priority: -1 };

test('every rule is either expressed in CEL or said why not', () => {
  expect([...expressibleRules, ...Object.keys(notExpressible)].sort()).toEqual([...ruleNames].sort());
});

test('a policy per governed namespace set, deny and warn rules in bindings of their own; the global one elsewhere', () => {
  const objects = validatingAdmissionPolicies([defaultPolicy, caches, laxer]) as {
    kind: string;
    metadata: { name: string };
    spec: Record<string, unknown>;
  }[];
  expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
    'ValidatingAdmissionPolicy redis-replication.caches',
    'ValidatingAdmissionPolicyBinding redis-replication.caches',
    'ValidatingAdmissionPolicy redis-replication.caches.warn',
    'ValidatingAdmissionPolicyBinding redis-replication.caches.warn',
    'ValidatingAdmissionPolicy redis-replication.default',
    'ValidatingAdmissionPolicyBinding redis-replication.default',
  ]);
  const binding = (name: string) => objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === name)!.spec;
  expect(binding('redis-replication.caches.warn')).toMatchObject({
    validationActions: ['Warn'],
    matchResources: {
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['caches', 'sessions'] }] },
    },
  });
  expect(binding('redis-replication.default')).toMatchObject({
    validationActions: ['Deny'],
    matchResources: {
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['caches', 'sessions'] }] },
    },
  });
  const warnPolicy = objects.find((o) => o.metadata.name === 'redis-replication.caches.warn')!.spec as {
    validations: { messageExpression?: string }[];
  };
  expect(warnPolicy.validations).toHaveLength(1);
  expect(warnPolicy.validations[0].messageExpression).toContain('[rule replicas, warn]');
});
