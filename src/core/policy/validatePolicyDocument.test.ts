import { Ajv } from 'ajv';
import { replicationPolicySchema } from './replicationPolicySchema.js';
import { validatePolicyDocument } from './validatePolicyDocument.js';

const policy = (spec: Record<string, unknown>) => ({
  apiVersion: 'redis-replication.io/v1alpha1',
  kind: 'ReplicationPolicy',
  metadata: { name: 'p' },
  spec,
});

describe('validatePolicyDocument', () => {
  test('its schema is a valid JSON Schema (the webhook skips this check at start-up)', () => {
    const ajv = new Ajv({ strict: true });
    expect([ajv.validateSchema(replicationPolicySchema), ajv.errors ?? null]).toEqual([true, null]);
  });

  test('the built-in fields pass', () => {
    expect(validatePolicyDocument(policy({ replicas: { min: 2, max: 5 }, config: { 'maxmemory-policy': 'allkeys-lru' } })).ok).toBe(true);
  });

  test.each([
    ['min above max', { replicas: { min: 5, max: 2 } }, 'spec.replicas: min 5 is greater than max 2'],
    [
      'a config value with a newline smuggling a directive',
      { config: { maxmemory: '1gb\nreplicaof 10.0.0.9 6379' } },
      'spec.config.maxmemory: must match pattern',
    ],
    ['replicaof in the config', { config: { replicaof: 'x 1' } }, 'spec.config.replicaof: the webhook sets the leader itself'],
    ['a password in the config', { config: { requirepass: 'x' } }, 'spec.config.requirepass: passwords come from spec.auth.secretName'],
    ['a config key that is no directive', { config: { 'Max Memory': '1' } }, 'not a redis.conf directive name'],
    ['an unknown field', { replica: { min: 1 } }, 'spec: unknown field "replica"'],
    ['a wrong enforcement', { rules: { replicas: 'block' } }, 'spec.rules.replicas: must be equal to one of the allowed values: deny, warn'],
  ])('%s is refused with its path and reason', (_name, spec, message) => {
    const check = validatePolicyDocument(policy(spec));
    expect(check.ok).toBe(false);
    expect(check.ok ? [] : check.errors.join('\n')).toContain(message);
  });
});
