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

  test.each([
    ['an empty exporter (every default)', { metrics: { exporter: {} } }],
    [
      'an exporter from a mirror, by digest, on its own ports and resources',
      {
        failover: { mode: 'sentinel' },
        metrics: {
          exporter: {
            image: `registry.example.com:5000/mirror/oliver006/redis_exporter:v1.62.0-alpine@sha256:${'a'.repeat(64)}`,
            port: 9400,
            sentinelPort: 9401,
            resources: { requests: { cpu: '0.05', memory: '20Mi' }, limits: { cpu: '1', memory: '1Gi' } },
          },
        },
      },
    ],
    // The ports of a Sentinel exporter that does not run are not checked.
    ['without Sentinel, the exporter on the Sentinel default port', { metrics: { exporter: { port: 26379, sentinelPort: 9121 } } }],
  ])('%s passes', (_name, spec) => {
    expect(validatePolicyDocument(policy(spec))).toMatchObject({ ok: true });
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
    [
      'an exporter image that is no image reference',
      { metrics: { exporter: { image: 'Oliver006/redis exporter' } } },
      'spec.metrics.exporter.image: found "Oliver006/redis exporter", not an image reference; write [registry/]repository[:tag][@sha256:digest] with a lower-case repository, e.g. oliver006/redis_exporter:v1.62.0',
    ],
    [
      'the exporter on the Redis port',
      { metrics: { exporter: { port: 6379 } } },
      'spec.metrics.exporter.port: found 6379, which is also the Redis port (spec.port); set spec.metrics.exporter.port to a port no other container of the pod listens on',
    ],
    [
      "the Redis port on the exporter's default",
      { port: 9121, metrics: { exporter: {} } },
      'spec.metrics.exporter.port: found 9121 (the default), which is also the Redis port (spec.port)',
    ],
    [
      "the Sentinel exporter on the Sentinel's port",
      { failover: { mode: 'sentinel', sentinel: { port: 9355 } }, metrics: { exporter: {} } },
      'spec.metrics.exporter.sentinelPort: found 9355 (the default), which is also the Sentinel port (spec.failover.sentinel.port)',
    ],
    [
      'both exporters on one port',
      { failover: { mode: 'sentinel' }, metrics: { exporter: { port: 9200, sentinelPort: 9200 } } },
      "spec.metrics.exporter.sentinelPort: found 9200, which is also the Redis exporter's port (spec.metrics.exporter.port)",
    ],
    [
      'an exporter memory that is no quantity',
      { metrics: { exporter: { resources: { limits: { memory: '64 MB' } } } } },
      'spec.metrics.exporter.resources.limits.memory: must match pattern',
    ],
    ['an unknown exporter field', { metrics: { exporter: { enabled: true } } }, 'spec.metrics.exporter: unknown field "enabled"'],
  ])('%s is refused with its path and reason', (_name, spec, message) => {
    const check = validatePolicyDocument(policy(spec));
    expect(check.ok).toBe(false);
    expect(check.ok ? [] : check.errors.join('\n')).toContain(message);
  });
});
