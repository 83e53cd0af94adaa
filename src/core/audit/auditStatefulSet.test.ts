import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { auditStatefulSet, type StatefulSetAudit } from './auditStatefulSet.js';
import { admitStatefulSet } from '../../commands/check/admitStatefulSet.js';
import { effectivePolicy } from '../policy/effectivePolicy.js';
import { policySet } from '../policy/policySet.js';
import { ruleNames } from '../policy/replicationPolicy.js';
import { initContainerName, mutatedByAnnotation, policyAnnotation } from '../../wire/replicationNames.js';
import { webhookVersion } from '../../wire/webhookVersion.js';
import { sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

const caches = effectivePolicy({
  apiVersion: 'redis-replication.io/v1alpha1',
  kind: 'ReplicationPolicy',
  metadata: { name: 'caches' },
  spec: { namespaces: ['caches'], replicas: { min: 2, max: 5 }, rules: { replicas: 'warn' } },
});
const policies = policySet([caches]);
const headless: V1Service = { metadata: { name: 'cache-headless' }, spec: { clusterIP: 'None' } };

/** A StatefulSet as the cluster stores it after the webhook admitted it. */
function wired(sts: V1StatefulSet = sampleStatefulSet()): V1StatefulSet {
  const admission = admitStatefulSet(sts, sts.metadata!.namespace!, policies, { service: headless });
  if (!admission.allowed) throw new Error(admission.message);
  return fastJsonPatch.applyPatch(structuredClone(sts), admission.patch, true, false).newDocument;
}

const outcomes = (audit: StatefulSetAudit | undefined) => Object.fromEntries(audit!.results.map((r) => [r.check, r.outcome]));
const resultOf = (audit: StatefulSetAudit | undefined, check: string) => audit!.results.find((r) => r.check === check)!;

test('a StatefulSet the webhook wired passes every rule, the policy choice and the wiring', () => {
  const audit = auditStatefulSet(wired(), policies, { service: headless });
  expect(audit).toMatchObject({ namespace: 'default', name: 'cache', policy: 'default' });
  expect(outcomes(audit)).toEqual(Object.fromEntries(['policy', ...ruleNames, 'wiring'].map((check) => [check, 'pass'])));
});

test('a labeled StatefulSet stored without the mutating webhook fails the wiring, naming the fix', () => {
  const wiring = resultOf(auditStatefulSet(sampleStatefulSet(), policies, { service: headless }), 'wiring');
  expect(wiring.outcome).toBe('fail');
  expect(wiring.message).toContain(`metadata.annotations["${mutatedByAnnotation}"]: found none`);
  expect(wiring.message).toContain('run kubectl rollout restart statefulset/cache -n default with the webhook running');
});

test('a rule broken as stored fails with the webhook message; the wiring of a refused object is skipped', () => {
  const sts = wired();
  sts.spec!.replicas = 40;
  const audit = auditStatefulSet(sts, policies, { service: headless });
  expect(resultOf(audit, 'replicas')).toEqual({
    check: 'replicas',
    outcome: 'fail',
    message: 'spec.replicas: found 40; allowed 2 to 9 (policy "default") [rule replicas]',
  });
  expect(resultOf(audit, 'wiring').outcome).toBe('skip');
  expect(resultOf(audit, 'serviceName').outcome).toBe('pass');
});

test('a rule the policy only warns about is a warn', () => {
  const sts = wired(sampleStatefulSet());
  sts.metadata!.namespace = 'caches';
  sts.spec!.replicas = 7;
  const audit = auditStatefulSet(sts, policies, { service: headless });
  expect(audit!.policy).toBe('caches');
  expect(resultOf(audit, 'replicas')).toMatchObject({ outcome: 'warn', message: expect.stringContaining('found 7') as string });
});

test('the governing Service as the cluster holds it counts: none warns, a ClusterIP one fails', () => {
  expect(resultOf(auditStatefulSet(wired(), policies, { service: null }), 'serviceName').outcome).toBe('warn');
  const clusterIp: V1Service = { metadata: { name: 'cache-headless' }, spec: { clusterIP: '10.0.0.12' } };
  expect(resultOf(auditStatefulSet(wired(), policies, { service: clusterIp }), 'serviceName').outcome).toBe('fail');
});

describe('wiring by an earlier version', () => {
  const older = (sts: V1StatefulSet) => {
    sts.metadata!.annotations![mutatedByAnnotation] = 'redis-replication-webhook/0.0.9 policy=default';
    return sts;
  };

  test('the same wiring under an older record warns that only the record differs', () => {
    const wiring = resultOf(auditStatefulSet(older(wired()), policies, { service: headless }), 'wiring');
    expect(wiring.outcome).toBe('warn');
    expect(wiring.message).toBe(
      `metadata.annotations["${mutatedByAnnotation}"]: found "redis-replication-webhook/0.0.9 policy=default"; running redis-replication-webhook/${webhookVersion}, which injects the same: only the record differs`,
    );
  });

  test('different wiring names what this version would change', () => {
    const sts = older(wired());
    sts.spec!.template.spec!.initContainers = sts.spec!.template.spec!.initContainers!.filter((c) => c.name !== initContainerName);
    const wiring = resultOf(auditStatefulSet(sts, policies, { service: headless }), 'wiring');
    expect(wiring.outcome).toBe('warn');
    expect(wiring.message).toMatch(
      /which would change \/spec\/template\/spec\/initContainers.*; run kubectl rollout restart statefulset\/cache -n default .*: the update is wired and the pods roll onto it$/,
    );
  });
});

test('a StatefulSet that names a policy its namespace does not have fails the policy check and nothing else', () => {
  const sts = wired();
  sts.metadata!.annotations![policyAnnotation] = 'caches';
  const audit = auditStatefulSet(sts, policies, { service: headless });
  expect(audit!.policy).toBeUndefined();
  expect(audit!.results).toEqual([
    {
      check: 'policy',
      outcome: 'fail',
      message: `metadata.annotations["${policyAnnotation}"]: found "caches"; allowed: a policy for namespace "default" (default)`,
    },
  ]);
});

test('a StatefulSet without the label is none of the audit', () => {
  const sts = sampleStatefulSet();
  delete sts.metadata!.labels!['redis-replication'];
  expect(auditStatefulSet(sts, policies, { service: headless })).toBeUndefined();
});

describe('a config file from a ConfigMap, as stored', () => {
  const withConfigFile = (): V1StatefulSet => {
    const sts = sampleStatefulSet();
    const pod = sts.spec!.template.spec!;
    pod.containers[0].command = ['redis-server', '/etc/redis/redis.conf'];
    pod.containers[0].volumeMounts = [{ name: 'config', mountPath: '/etc/redis' }];
    pod.volumes = [{ name: 'config', configMap: { name: 'redis-config' } }];
    return sts;
  };
  const configMap = (file: string) => new Map([['redis-config', { metadata: { name: 'redis-config' }, data: { 'redis.conf': file } }]]);

  test('a ConfigMap changed after admission to TLS only fails the tls rule, naming its line', () => {
    const stored = admitStatefulSet(withConfigFile(), 'default', policies, { service: headless, configMaps: configMap('appendonly yes\n') });
    if (!stored.allowed) throw new Error(stored.message);
    const sts = fastJsonPatch.applyPatch(withConfigFile(), stored.patch, true, false).newDocument;
    expect(outcomes(auditStatefulSet(sts, policies, { service: headless, configMaps: configMap('appendonly yes\n') }))).toMatchObject({
      tls: 'pass',
      wiring: 'pass',
    });
    const tls = resultOf(
      auditStatefulSet(sts, policies, { service: headless, configMaps: configMap('appendonly yes\nport 0\ntls-port 6379\n') }),
      'tls',
    );
    expect(tls.outcome).toBe('fail');
    expect(tls.message).toContain('ConfigMap redis-config key redis.conf line 2: found port 0');
  });

  test('its ConfigMap gone: a warning that the file went unchecked', () => {
    const stored = admitStatefulSet(withConfigFile(), 'default', policies, { service: headless, configMaps: configMap('appendonly yes\n') });
    if (!stored.allowed) throw new Error(stored.message);
    const sts = fastJsonPatch.applyPatch(withConfigFile(), stored.patch, true, false).newDocument;
    const audit = auditStatefulSet(sts, policies, { service: headless, configMaps: new Map([['redis-config', null]]) });
    expect(resultOf(audit, 'configFile')).toMatchObject({ outcome: 'warn', message: expect.stringContaining('which does not exist yet') });
  });
});

test("the namespace's PodDisruptionBudgets, when known: a group none selects is warned about (its policy's disruptionBudget)", () => {
  const selecting = { metadata: { name: 'cache' }, spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'cache' } } } };
  expect(resultOf(auditStatefulSet(wired(), policies, { service: headless, disruptionBudgets: [selecting] }), 'disruptionBudget')).toEqual({
    check: 'disruptionBudget',
    outcome: 'pass',
    message: 'PodDisruptionBudget cache selects the pods',
  });
  const none = auditStatefulSet(wired(), policies, { service: headless, disruptionBudgets: [] });
  expect(resultOf(none, 'disruptionBudget').outcome).toBe('warn');
  // Not known (the audit could not list them): not judged.
  expect(auditStatefulSet(wired(), policies, { service: headless })!.results.map((r) => r.check)).not.toContain('disruptionBudget');
});
