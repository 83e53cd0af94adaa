import fastJsonPatch from 'fast-json-patch';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { readsFor, reviewAdmission } from './reviewAdmission.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { admissionReview, patchOf, sampleStatefulSet, scaleReview } from '../../../test/fixtures/statefulSet.js';

const policies = [defaultPolicy];

function applyMutation(sts: V1StatefulSet, policyList: readonly EffectivePolicy[] = policies): { patched: V1StatefulSet; ops: number } {
  const ops = patchOf(reviewAdmission('mutate', admissionReview(sts), { policies: policyList }));
  if (ops.length === 0) return { patched: sts, ops: 0 };
  return { patched: fastJsonPatch.applyPatch(structuredClone(sts), ops, true, false).newDocument, ops: ops.length };
}

describe('mutate', () => {
  test('injects the init container, config volume, probes, port, anti-affinity and the annotation', () => {
    const { patched } = applyMutation(sampleStatefulSet());
    const pod = patched.spec!.template.spec!;
    const init = pod.initContainers![0];
    expect(init.name).toBe('redis-replication-init');
    expect(init.image).toBe('redis:7.2');
    expect(init.env).toContainEqual({ name: 'REDIS_LEADER_HOST', value: 'cache-0.cache-headless.default.svc.cluster.local' });
    expect(init.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const redis = pod.containers[0];
    // Through the image's entrypoint, which hands a .conf argument to redis-server as the redis user.
    expect(redis.command).toBeUndefined();
    expect(redis.args).toEqual(['/etc/redis-replication/redis.conf']);
    expect(redis.volumeMounts).toEqual([
      { name: 'redis-replication-config', mountPath: '/etc/redis-replication' },
      { name: 'data', mountPath: '/data' },
    ]);
    expect(redis.ports).toEqual([{ name: 'redis', containerPort: 6379, protocol: 'TCP' }]);
    expect(redis.readinessProbe?.exec?.command?.[2]).toContain('master_link_status:up');
    expect(pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm.labelSelector?.matchLabels).toEqual({
      'app.kubernetes.io/name': 'cache',
    });
    expect(patched.spec!.podManagementPolicy).toBe('OrderedReady');
    expect(patched.metadata!.annotations!['redis-replication/mutated-by']).toMatch(/^redis-replication-webhook\/\d+\.\d+\.\d+ policy=default$/);
    const config = init.env!.find((e) => e.name === 'REDIS_REPLICATION_CONFIG')!.value!;
    expect(config).toContain('appendonly yes');
    expect(config).toContain('replica-read-only yes');
  });

  test('is idempotent: the mutated object gets no patch', () => {
    const { patched } = applyMutation(sampleStatefulSet());
    expect(applyMutation(patched).ops).toBe(0);
  });

  test('leaves what the user set and keeps the user lists in place', () => {
    const sts = sampleStatefulSet();
    const pod = sts.spec!.template.spec!;
    pod.initContainers = [{ name: 'restore', image: 'busybox' }];
    pod.volumes = [{ name: 'extra', emptyDir: {} }];
    pod.affinity = { nodeAffinity: {} };
    pod.containers[0].env = [{ name: 'A', value: '1' }];
    pod.containers[0].command = ['redis-server', '--save', '60 1'];
    const answer = reviewAdmission('mutate', admissionReview(sts), { policies });
    const ops = patchOf(answer);
    // Only the start is rewritten (the server's arguments now begin with the rendered config); the rest is added.
    for (const op of ops) if (!op.path.startsWith('/spec/template/spec/containers/0/command')) expect(op.op).toBe('add');
    expect(ops.map((o) => o.path)).not.toContain('/spec/template/spec/initContainers');
    expect(ops.map((o) => o.path)).toContain('/spec/template/spec/initContainers/1');
    const { patched } = applyMutation(sts);
    expect(patched.spec!.template.spec!.affinity).toEqual({ nodeAffinity: {} });
    expect(patched.spec!.template.spec!.containers[0].command).toEqual(['redis-server']);
    expect(patched.spec!.template.spec!.containers[0].args).toEqual(['/etc/redis-replication/redis.conf', '--save', '60 1']);
  });

  test('escapes label keys with / and ~ in JSON Pointers', () => {
    const sts = sampleStatefulSet();
    sts.metadata!.annotations = { 'a~b/c': 'x' };
    const answer = reviewAdmission('mutate', admissionReview(sts), { policies });
    const ops = patchOf(answer);
    expect(ops.map((o) => o.path)).toContain('/metadata/annotations/redis-replication~1mutated-by');
  });

  test('"__proto__" and "toString" keys in the object are data like any other: kept, never patched', () => {
    const text = JSON.stringify(sampleStatefulSet()).replace('"spec":{"containers"', '"spec":{"__proto__":{"x":1},"toString":["a"],"containers"');
    const sts = JSON.parse(text) as V1StatefulSet;
    expect(Object.keys(sts.spec!.template.spec!)).toContain('__proto__');
    const answer = reviewAdmission('mutate', admissionReview(sts), { policies });
    const ops = patchOf(answer);
    expect(ops.filter((o) => /__proto__|toString/.test(o.path))).toEqual([]);
    expect(ops.length).toBeGreaterThan(0);
  });

  test('an unlabeled StatefulSet and other kinds pass untouched', () => {
    const sts = sampleStatefulSet();
    delete sts.metadata!.labels!['redis-replication'];
    expect(reviewAdmission('mutate', admissionReview(sts), { policies }).response).toEqual({ uid: expect.any(String), allowed: true });
  });

  test('a scale-only UPDATE does not rewrite the template', () => {
    const { patched } = applyMutation(sampleStatefulSet());
    const scaled = structuredClone(patched);
    scaled.spec!.replicas = 5;
    const answer = reviewAdmission('mutate', admissionReview(scaled, { operation: 'UPDATE', oldObject: patched }), { policies });
    expect(answer.response!.patch).toBeUndefined();
  });
});

describe('validate', () => {
  test('denies sizes outside the bounds, naming the field', () => {
    const answer = reviewAdmission('validate', admissionReview(sampleStatefulSet({ replicas: 1 })), { policies });
    expect(answer.response!.allowed).toBe(false);
    expect(answer.response!.status!.code).toBe(403);
    expect(answer.response!.status!.message).toContain('spec.replicas: found 1; allowed 2 to 9');
  });

  test('lists every violation', () => {
    const sts = sampleStatefulSet({ replicas: 12 });
    sts.spec!.serviceName = '';
    sts.spec!.podManagementPolicy = 'Parallel';
    sts.spec!.template.spec!.containers[0].image = 'memcached:1';
    sts.spec!.volumeClaimTemplates = [];
    sts.metadata!.annotations = { 'redis-replication/config': 'replicaof 1.2.3.4 6379' };
    const message = reviewAdmission('validate', admissionReview(sts), { policies }).response!.status!.message;
    for (const field of [
      'spec.replicas',
      'spec.serviceName',
      'spec.podManagementPolicy',
      'spec.template.spec.containers[0].image',
      'spec.volumeClaimTemplates',
      'replicaof 1.2.3.4',
    ]) {
      expect(message).toContain(field);
    }
  });

  test('a warn rule admits with a warning', () => {
    const policy: EffectivePolicy = { ...defaultPolicy, rules: { ...defaultPolicy.rules, replicas: 'warn' } };
    const response = reviewAdmission('validate', admissionReview(sampleStatefulSet({ replicas: 1 })), { policies: [policy] }).response!;
    expect(response.allowed).toBe(true);
    expect(response.warnings?.[0]).toContain('spec.replicas: found 1');
  });

  test('the allow-data-loss annotation opts out of persistence', () => {
    const sts = sampleStatefulSet();
    sts.spec!.volumeClaimTemplates = undefined;
    expect(reviewAdmission('validate', admissionReview(sts), { policies }).response!.allowed).toBe(false);
    sts.metadata!.annotations = { 'redis-replication/allow-data-loss': 'true' };
    expect(reviewAdmission('validate', admissionReview(sts), { policies }).response!.allowed).toBe(true);
  });

  test('kubectl scale is checked against the parent StatefulSet', () => {
    const parent = sampleStatefulSet();
    expect(reviewAdmission('validate', scaleReview(20), { policies, parent }).response!.allowed).toBe(false);
    expect(reviewAdmission('validate', scaleReview(4), { policies, parent }).response!.allowed).toBe(true);
  });

  test('odd but legal objects never crash', () => {
    for (const object of [
      {},
      { spec: null },
      { metadata: { labels: { 'redis-replication': 'enabled' } } },
      { metadata: { labels: { 'redis-replication': 'enabled' } }, spec: { replicas: -3, template: { spec: { containers: [] } } } },
    ]) {
      expect(() => reviewAdmission('validate', admissionReview(object), { policies })).not.toThrow();
      expect(() => reviewAdmission('mutate', admissionReview(object), { policies })).not.toThrow();
    }
  });
});

describe('pod security defaults', () => {
  test('fill the empty securityContext the API server defaults, field by field', () => {
    const sts = sampleStatefulSet();
    sts.spec!.template.spec!.securityContext = { fsGroup: 1001 };
    const { patched } = applyMutation(sts);
    expect(patched.spec!.template.spec!.securityContext).toEqual({ fsGroup: 1001, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const empty = sampleStatefulSet();
    empty.spec!.template.spec!.securityContext = {};
    expect(applyMutation(empty).patched.spec!.template.spec!.securityContext).toEqual({
      runAsNonRoot: true,
      fsGroup: 999,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test.each([
    ['redis:7.2', 999],
    ['docker.io/valkey/valkey:8', 999],
    ['docker.io/bitnami/redis:7.2.5', 1001],
    ['registry.example.com:5000/bitnami/redis@sha256:0123', 1001],
  ])('run the injected containers and own the volume as the user of %s (%i)', (image, uid) => {
    const sts = sampleStatefulSet();
    sts.spec!.template.spec!.containers[0].image = image;
    // bitnami/redis starts only with a password or this (the auth rule refuses it otherwise).
    sts.spec!.template.spec!.containers[0].env = [{ name: 'ALLOW_EMPTY_PASSWORD', value: 'yes' }];
    sts.spec!.template.spec!.securityContext = {};
    const pod = applyMutation(sts).patched.spec!.template.spec!;
    expect(pod.securityContext!.fsGroup).toBe(uid);
    for (const container of [pod.containers[0], pod.initContainers![0]]) {
      expect([container.name, container.securityContext!.runAsUser, container.securityContext!.runAsGroup]).toEqual([container.name, uid, uid]);
    }
  });
});

describe('readsFor', () => {
  const withConfigFile = () => {
    const sts = sampleStatefulSet();
    Object.assign(sts.spec!.template.spec!.containers[0], {
      args: ['/etc/redis/redis.conf'],
      volumeMounts: [{ name: 'conf', mountPath: '/etc/redis' }],
    });
    sts.spec!.template.spec!.volumes = [
      { name: 'conf', configMap: { name: 'redis-config' } },
      { name: 'unmounted', configMap: { name: 'other' } },
    ];
    return sts;
  };

  test('asks for the ConfigMaps the Redis container mounts, on both endpoints, when its start names a config file', () => {
    const request = admissionReview(withConfigFile()).request!;
    expect(readsFor('validate', request)).toEqual({
      service: { namespace: 'default', name: 'cache-headless' },
      configMaps: { namespace: 'default', names: ['redis-config'] },
    });
    expect(readsFor('mutate', request)).toEqual({ configMaps: { namespace: 'default', names: ['redis-config'] } });
    // The wired object the validating webhook sees still names the user's file (recorded by the init container).
    const { patched } = applyMutation(withConfigFile());
    expect(readsFor('validate', admissionReview(patched).request!).configMaps).toEqual({ namespace: 'default', names: ['redis-config'] });
  });

  test('asks for no ConfigMap when the start names no config file', () => {
    expect(readsFor('mutate', admissionReview(sampleStatefulSet()).request!)).toEqual({});
  });

  test('what the caller read decides: a file refused, a ConfigMap missing only warned about', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'redis-config' }, data: { 'redis.conf': 'tls-port 6379' } };
    const refused = reviewAdmission('validate', admissionReview(withConfigFile()), { policies, configMaps: new Map([['redis-config', configMap]]) });
    expect(refused.response!.allowed).toBe(false);
    expect(refused.response!.status!.message).toContain('ConfigMap redis-config key redis.conf line 1: found tls-port 6379');
    const missing = reviewAdmission('validate', admissionReview(withConfigFile()), { policies, configMaps: new Map([['redis-config', null]]) });
    expect(missing.response!.allowed).toBe(true);
    expect(missing.response!.warnings!.join('\n')).toContain('found ConfigMap redis-config, which does not exist yet');
  });
});
