import { ruleNames, type EffectivePolicy, type ReplicationPolicySpec } from './replicationPolicy.js';
import { defaultPolicy } from './defaultPolicy.js';

// The policy types come from the schema ajv enforces (schemaType.ts). These assignments are checked by the
// type check: a schema change that the types did not follow breaks them, and so does a type that
// degraded to `unknown` (its @ts-expect-error lines would then be unused, which tsc reports).
const full: ReplicationPolicySpec = {
  namespaces: ['caches'],
  priority: 5,
  replicas: { min: 2, max: 5 },
  images: { allowed: ['redis'] },
  persistence: { required: false, dataPath: '/data' },
  antiAffinity: 'required',
  config: { 'maxmemory-policy': 'allkeys-lru' },
  auth: { secretName: 'redis-auth', secretKey: 'password' },
  port: 6380,
  clusterDomain: 'cluster.local',
  leaderWaitSeconds: 60,
  metrics: { exporter: { image: 'oliver006/redis_exporter:v1.62.0', port: 9121, sentinelPort: 9355, resources: { limits: { memory: '64Mi' } } } },
  rules: { replicas: 'warn', tls: 'deny' },
};
// @ts-expect-error a field the schema does not have
const misspelled: ReplicationPolicySpec = { replica: { min: 2 } };
// @ts-expect-error a value outside the enum
const sometimes: ReplicationPolicySpec = { antiAffinity: 'sometimes' };
// @ts-expect-error auth needs the Secret's name
const nameless: ReplicationPolicySpec = { auth: { secretKey: 'password' } };
// @ts-expect-error a resource the exporter's resources do not have
const gpus: ReplicationPolicySpec = { metrics: { exporter: { resources: { limits: { gpu: '1' } } } } };
// @ts-expect-error a rule that does not exist
const unknownRule: ReplicationPolicySpec = { rules: { speed: 'warn' } };

test("the rule names are the schema's, and the built-in policy sets every one", () => {
  expect(ruleNames).toEqual([
    'replicas',
    'serviceName',
    'podManagementPolicy',
    'image',
    'replicaof',
    'persistence',
    'start',
    'configFile',
    'clusterMode',
    'sentinel',
    'tls',
    'auth',
  ]);
  const rules: EffectivePolicy['rules'] = defaultPolicy.rules;
  expect(Object.keys(rules).sort()).toEqual([...ruleNames].sort());
  expect([full, misspelled, sometimes, nameless, gpus, unknownRule]).toHaveLength(6);
});
