import fastJsonPatch from 'fast-json-patch';
import type { V1Container, V1StatefulSet } from '@kubernetes/client-node';
import { reviewAdmission } from '../admission/reviewAdmission.js';
import { auditStatefulSet } from '../audit/auditStatefulSet.js';
import { defaultExporter, defaultPolicy } from '../policy/defaultPolicy.js';
import { effectivePolicy } from '../policy/effectivePolicy.js';
import type { EffectivePolicy, ReplicationPolicySpec } from '../policy/replicationPolicy.js';
import {
  exporterContainerName,
  sentinelContainerName,
  sentinelExporterContainerName,
  cliPasswordEnv,
  mutatedByAnnotation,
} from '../../wire/replicationNames.js';
import { admissionReview, patchOf, sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';
import { quantityValue, sameResources } from './quantity.js';

const policy = (spec: ReplicationPolicySpec) =>
  effectivePolicy({ apiVersion: 'redis-replication.io/v1alpha1', kind: 'ReplicationPolicy', metadata: { name: 'default' }, spec });
const auth = { secretName: 'cache-auth', secretKey: 'password' };
const exporting = policy({ auth, metrics: { exporter: {} } });
const sentinelExporting = policy({ auth, failover: { mode: 'sentinel' }, metrics: { exporter: {} } });
const headless = { metadata: { name: 'cache-headless' }, spec: { clusterIP: 'None' } };

function mutated(sts: V1StatefulSet, with_: EffectivePolicy, old?: V1StatefulSet): V1StatefulSet {
  const review = admissionReview(sts, old ? { operation: 'UPDATE', oldObject: old } : {});
  return fastJsonPatch.applyPatch(structuredClone(sts), patchOf(reviewAdmission('mutate', review, { policies: [with_] })), true, false).newDocument;
}

/** An update that changes the template (so every mutator runs) and nothing the exporters depend on. */
function touched(sts: V1StatefulSet): V1StatefulSet {
  const copy = structuredClone(sts);
  copy.spec!.template.metadata!.annotations = { ...copy.spec!.template.metadata!.annotations, restartedAt: String(Math.random()) };
  return copy;
}

const names = (sts: V1StatefulSet) => sts.spec!.template.spec!.containers.map((c) => c.name);
const container = (sts: V1StatefulSet, name: string) => sts.spec!.template.spec!.containers.find((c) => c.name === name)!;
const secondPass = (stored: V1StatefulSet, with_: EffectivePolicy) => {
  const update = touched(stored);
  return patchOf(reviewAdmission('mutate', admissionReview(update, { operation: 'UPDATE', oldObject: stored }), { policies: [with_] }));
};

test("metrics.exporter adds a redis_exporter beside Redis: its env, the group's Secret, port metrics, restricted, no command", () => {
  const stored = mutated(sampleStatefulSet(), exporting);
  expect(names(stored)).toEqual(['redis', exporterContainerName]);
  const redisPassword = container(stored, 'redis').env!.find((e) => e.name === cliPasswordEnv)!.valueFrom;
  expect(container(stored, exporterContainerName)).toEqual({
    name: 'redis-replication-exporter',
    image: 'oliver006/redis_exporter:v1.62.0',
    env: [
      { name: 'REDIS_ADDR', value: 'redis://localhost:6379' },
      // The same Secret reference the Redis container's probes read the password from.
      { name: 'REDIS_PASSWORD', valueFrom: redisPassword },
      { name: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', value: ':9121' },
    ],
    ports: [{ name: 'metrics', containerPort: 9121, protocol: 'TCP' }],
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 59000,
      runAsGroup: 59000,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  });
  expect(redisPassword).toEqual({ secretKeyRef: { name: 'cache-auth', key: 'password' } });
});

test('the policy off (the default): no exporter, and a group without a password gets no REDIS_PASSWORD', () => {
  expect(defaultPolicy.metrics).toEqual({});
  expect(names(mutated(sampleStatefulSet(), defaultPolicy))).toEqual(['redis']);
  const open = mutated(sampleStatefulSet(), policy({ metrics: { exporter: {} } }));
  expect(container(open, exporterContainerName).env!.map((e) => e.name)).toEqual(['REDIS_ADDR', 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS']);
});

test("the user's own password Secret (--requirepass $(VAR)) is the exporter's too; the Redis port the user set is scraped", () => {
  const sts = sampleStatefulSet();
  const redis = sts.spec!.template.spec!.containers[0];
  redis.env = [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'mine', key: 'pw' } } }];
  redis.args = ['--requirepass', '$(PW)', '--port', '6380'];
  const stored = mutated(sts, policy({ metrics: { exporter: { image: 'quay.io/oliver006/redis_exporter:v1.62.0-alpine', port: 9200 } } }));
  expect(container(stored, exporterContainerName)).toMatchObject({
    image: 'quay.io/oliver006/redis_exporter:v1.62.0-alpine',
    env: [
      { name: 'REDIS_ADDR', value: 'redis://localhost:6380' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'mine', key: 'pw' } } },
      { name: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', value: ':9200' },
    ],
    ports: [{ name: 'metrics', containerPort: 9200, protocol: 'TCP' }],
  });
});

test('with Sentinel failover, a second exporter scrapes the Sentinel on port sentinelmetrics', () => {
  const stored = mutated(sampleStatefulSet(), sentinelExporting);
  expect(names(stored)).toEqual(['redis', sentinelContainerName, exporterContainerName, sentinelExporterContainerName]);
  expect(container(stored, sentinelExporterContainerName)).toMatchObject({
    env: [
      { name: 'REDIS_ADDR', value: 'redis://localhost:26379' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } },
      { name: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', value: ':9355' },
    ],
    ports: [{ name: 'sentinelmetrics', containerPort: 9355, protocol: 'TCP' }],
  });
  expect(secondPass(stored, sentinelExporting)).toEqual([]);
});

test('idempotent: a second pass over the stored object, with what the API server defaulted and its spelling of quantities, patches nothing', () => {
  const resources = { requests: { cpu: '0.5', memory: '1024Mi' }, limits: { memory: '2Gi' } };
  const withResources = policy({ auth, metrics: { exporter: { resources } } });
  const stored = mutated(sampleStatefulSet(), withResources);
  expect(container(stored, exporterContainerName).resources).toEqual(resources);
  const exporter = container(stored, exporterContainerName);
  Object.assign(exporter, { imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
  // How the API server stores them.
  exporter.resources = { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } };
  expect(secondPass(stored, withResources)).toEqual([]);
  // A changed amount is written.
  const more = policy({ auth, metrics: { exporter: { resources: { ...resources, limits: { memory: '3Gi' } } } } });
  expect(secondPass(stored, more)).toEqual([
    { op: 'replace', path: '/spec/template/spec/containers/1/resources/requests/cpu', value: '0.5' },
    { op: 'replace', path: '/spec/template/spec/containers/1/resources/requests/memory', value: '1024Mi' },
    { op: 'replace', path: '/spec/template/spec/containers/1/resources/limits/memory', value: '3Gi' },
  ]);
});

test('removed when the policy drops it (both exporters); the Sentinel exporter alone when the policy drops Sentinel', () => {
  const stored = mutated(sampleStatefulSet(), sentinelExporting);
  const update = touched(stored);
  update.spec!.podManagementPolicy = 'OrderedReady';
  const noSentinel = policy({ auth, metrics: { exporter: {} } });
  expect(names(mutated(update, noSentinel, stored))).toEqual(['redis', exporterContainerName]);
  expect(names(mutated(update, policy({ auth }), stored))).toEqual(['redis']);
});

const userExporter = (image: string, edit: Partial<V1Container> = {}): V1Container => ({
  name: 'metrics',
  image,
  ports: [{ name: 'metrics', containerPort: 9121 }],
  ...edit,
});

test.each([
  ['oliver006/redis_exporter:v1.45.0', {}],
  ['docker.io/bitnami/redis-exporter:1.55.0-debian-11-r0', { command: ['/bin/bash', '-c', 'redis_exporter'] }],
  ['mirror.example.com/proxy/oliver006/redis_exporter@sha256:' + 'a'.repeat(64), { env: [{ name: 'REDIS_ADDR', value: 'localhost:6379' }] }],
])("a user's own exporter (%s) is kept and not duplicated", (image, edit) => {
  const sts = sampleStatefulSet();
  sts.spec!.template.spec!.containers.push(userExporter(image, edit));
  const stored = mutated(sts, exporting);
  expect(names(stored)).toEqual(['redis', 'metrics']);
  expect(container(stored, 'metrics')).toEqual(userExporter(image, edit));
  expect(secondPass(stored, exporting)).toEqual([]);
});

test("with Sentinel, a user's exporter of the Sentinel's port stands for the Sentinel exporter, one of Redis's for the Redis exporter", () => {
  const sts = sampleStatefulSet();
  sts.spec!.template.spec!.containers.push(
    userExporter('oliver006/redis_exporter', { name: 'sentinelmetrics', args: ['--redis.addr=redis://localhost:26379'] }),
  );
  expect(names(mutated(sts, sentinelExporting))).toEqual(['redis', 'sentinelmetrics', sentinelContainerName, exporterContainerName]);
  sts.spec!.template.spec!.containers[1] = userExporter('oliver006/redis_exporter', { args: ['-redis.addr', 'redis://localhost:6379'] });
  expect(names(mutated(sts, sentinelExporting))).toEqual(['redis', 'metrics', sentinelContainerName, sentinelExporterContainerName]);
});

test('a user exporter added later replaces the webhook one on the next template change', () => {
  const stored = mutated(sampleStatefulSet(), exporting);
  const update = touched(stored);
  update.spec!.template.spec!.containers.push(userExporter('bitnami/redis-exporter:1.62.0'));
  expect(names(mutated(update, exporting, stored))).toEqual(['redis', 'metrics']);
});

describe('the audit judges the exporter by the policy in force', () => {
  const audited = (sts: V1StatefulSet, with_: EffectivePolicy) =>
    auditStatefulSet(sts, [with_], { service: headless })!.results.find((r) => r.check === 'wiring')!;

  test('present as the policy asks: wired', () => {
    expect(audited(mutated(sampleStatefulSet(), exporting), exporting).outcome).toBe('pass');
    expect(audited(mutated(sampleStatefulSet(), sentinelExporting), sentinelExporting).outcome).toBe('pass');
  });

  test('missing while the policy asks for it, or left while the policy no longer does: the wiring is dated, naming the container', () => {
    const without = mutated(sampleStatefulSet(), policy({ auth }));
    const missing = audited(without, exporting);
    expect(missing.outcome).toBe('warn');
    expect(missing.message).toContain(`found "${without.metadata!.annotations![mutatedByAnnotation]}"`);
    expect(missing.message).toContain('would change /spec/template/spec/containers/1');
    const left = audited(mutated(sampleStatefulSet(), exporting), policy({ auth }));
    expect(left.outcome).toBe('warn');
    expect(left.message).toContain('would change /spec/template/spec/containers/1');
  });
});

describe('policy values', () => {
  test('defaults fill what metrics.exporter leaves out; resources are taken whole', () => {
    expect(exporting.metrics.exporter).toEqual(defaultExporter);
    expect(policy({ metrics: { exporter: { resources: { limits: { memory: '128Mi' } } } } }).metrics.exporter!.resources).toEqual({
      limits: { memory: '128Mi' },
    });
  });

  test.each([
    ['500m', 0.5],
    ['0.5', 0.5],
    ['1Gi', 2 ** 30],
    ['1024Mi', 2 ** 30],
    ['1e3', 1000],
    ['1k', 1000],
    ['64 Mi', undefined],
  ])('quantity %s is %s', (text, value) => {
    expect(quantityValue(text)).toBe(value);
  });

  test('resources compare by amount, both sections', () => {
    expect(sameResources({ requests: { cpu: '1' } }, { requests: { cpu: '1000m' } })).toBe(true);
    expect(sameResources({ requests: { cpu: '1' } }, { requests: { cpu: '1' }, limits: { cpu: '1' } })).toBe(false);
    expect(sameResources(undefined, {})).toBe(true);
  });
});
