import { execFileSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { kubectl, kubectlOk, testNamespaces } from '../fixtures/kubectl.js';
import { eventually } from '../fixtures/eventually.js';
import { replicationGroupYaml } from '../fixtures/manifest.js';
import { webhookPolicies } from '../fixtures/webhookPolicies.js';

// Through a real kube-apiserver + StatefulSet controller (test/cluster/), with the webhook registered
// from webhook/*.yaml. Every test works in a namespace of its own.

const cluster = fileURLToPath(new URL('../cluster/', import.meta.url));
const namespaces = testNamespaces('e2e');
const namespace = () => namespaces.create();

afterAll(() => namespaces.deleteAll(), 60_000);

async function getStatefulSet(ns: string, name: string): Promise<V1StatefulSet> {
  return JSON.parse(await kubectlOk(['get', 'statefulset', name, '-n', ns, '-o', 'json'])) as V1StatefulSet;
}

describe('mutation through the API server', () => {
  test('a labeled StatefulSet is stored with the injected pieces, and its Pods carry them', async () => {
    const ns = await namespace();
    await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'cache'));
    const sts = await getStatefulSet(ns, 'cache');
    const pod = sts.spec!.template.spec!;
    expect(pod.initContainers?.map((c) => c.name)).toEqual(['redis-replication-init']);
    expect(pod.initContainers![0].env).toContainEqual({ name: 'REDIS_LEADER_HOST', value: `cache-0.cache-headless.${ns}.svc.cluster.local` });
    expect(pod.volumes?.map((v) => v.name)).toContain('redis-replication-config');
    expect(pod.containers[0].readinessProbe?.exec?.command?.[2]).toContain('master_link_status:up');
    expect(pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(sts.metadata!.annotations!['redis-replication/mutated-by']).toContain('policy=default');
    // Pod 0 as the StatefulSet controller created it from the stored template is the proof.
    const pod0 = await eventually(
      async () => {
        const r = await kubectl(['get', 'pod', 'cache-0', '-n', ns, '-o', 'json']);
        return r.code === 0 ? (JSON.parse(r.stdout) as V1Pod) : undefined;
      },
      30_000,
      'pod cache-0',
    );
    expect(pod0.spec!.initContainers!.map((c) => c.name)).toEqual(['redis-replication-init']);
    expect(pod0.spec!.containers[0].command).toBeUndefined();
    expect(pod0.spec!.containers[0].args).toEqual(['/etc/redis-replication/redis.conf']);
    expect(pod0.spec!.containers[0].volumeMounts!.map((m) => m.mountPath)).toEqual(expect.arrayContaining(['/etc/redis-replication', '/data']));
  }, 60_000);

  test('an unlabeled StatefulSet is stored untouched', async () => {
    const ns = await namespace();
    await kubectlOk(
      ['apply', '-f', '-'],
      replicationGroupYaml(ns, 'plain', (s) => delete s.metadata!.labels!['redis-replication']),
    );
    const sts = await getStatefulSet(ns, 'plain');
    expect(sts.spec!.template.spec!.initContainers).toBeUndefined();
    expect(sts.metadata!.annotations?.['redis-replication/mutated-by']).toBeUndefined();
  }, 60_000);

  test('server-side apply then server-side diff shows no difference (what Argo CD does)', async () => {
    const ns = await namespace();
    const manifest = replicationGroupYaml(ns, 'ssa');
    await kubectlOk(['apply', '--server-side', '-f', '-'], manifest);
    const diff = await kubectl(['diff', '--server-side', '-f', '-'], manifest);
    expect(diff.stderr).toBe('');
    expect(diff.stdout).toBe('');
    expect(diff.code).toBe(0);
    const dryRun = await kubectlOk(['apply', '--server-side', '--dry-run=server', '-o', 'json', '-f', '-'], manifest);
    const stored = await getStatefulSet(ns, 'ssa');
    const items = (JSON.parse(dryRun) as { items?: V1StatefulSet[] }).items ?? [JSON.parse(dryRun) as V1StatefulSet];
    const dry = items.find((i) => i.kind === 'StatefulSet')!;
    expect(dry.spec!.template).toEqual(stored.spec!.template);
  }, 60_000);
});

describe('validation through the API server, as kubectl prints it', () => {
  test('invalid sizes are refused on create, apply, scale and patch', async () => {
    const ns = await namespace();
    const create = await kubectl(
      ['apply', '-f', '-'],
      replicationGroupYaml(ns, 'tiny', (s) => (s.spec!.replicas = 1)),
    );
    expect(create.code).not.toBe(0);
    expect(create.stderr).toContain('denied the request');
    expect(create.stderr).toContain('spec.replicas: found 1; allowed 2 to 9');

    await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'cache'));
    const apply = await kubectl(
      ['apply', '-f', '-'],
      replicationGroupYaml(ns, 'cache', (s) => (s.spec!.replicas = 12)),
    );
    expect(apply.stderr).toContain('spec.replicas: found 12; allowed 2 to 9');

    const scale = await kubectl(['scale', 'statefulset', 'cache', '-n', ns, '--replicas=15']);
    expect(scale.code).not.toBe(0);
    expect(scale.stderr).toContain('spec.replicas: found 15; allowed 2 to 9');

    const patch = await kubectl(['patch', 'statefulset', 'cache', '-n', ns, '--type=merge', '-p', '{"spec":{"replicas":0}}']);
    expect(patch.code).not.toBe(0);
    expect(patch.stderr).toContain('spec.replicas: found 0; allowed 2 to 9');

    await kubectlOk(['scale', 'statefulset', 'cache', '-n', ns, '--replicas=4']);
    expect((await getStatefulSet(ns, 'cache')).spec!.replicas).toBe(4);
  }, 60_000);

  test('every violation is listed at once', async () => {
    const ns = await namespace();
    const result = await kubectl(
      ['apply', '-f', '-'],
      replicationGroupYaml(ns, 'bad', (s) => {
        s.spec!.podManagementPolicy = 'Parallel';
        s.spec!.template.spec!.containers[0].image = 'memcached:1.6';
        s.spec!.volumeClaimTemplates = undefined;
      }),
    );
    expect(result.stderr).toContain('spec.podManagementPolicy: found "Parallel"');
    expect(result.stderr).toContain('spec.template.spec.containers[0].image: found "memcached:1.6"');
    expect(result.stderr).toContain('spec.volumeClaimTemplates: found no volumeClaimTemplate mounted at /data');
  }, 60_000);
});

describe('policies from the policy folder', () => {
  const policyFile = () => join(process.env.RRW_POLICIES_DIR!, 'e2e-test.yaml');
  afterEach(() => rmSync(policyFile(), { force: true }));

  test('a change is picked up by the running webhook; a warn rule prints a Warning: line', async () => {
    const ns = await namespace();
    writeFileSync(
      policyFile(),
      `apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata:\n  name: e2e\nspec:\n  namespaces: [${ns}]\n  replicas: {min: 2, max: 3}\n  rules: {replicas: warn}\n`,
    );
    await eventually(async () => ((await webhookPolicies()).includes('e2e') ? true : undefined), 15_000, 'the webhook to load the new policy');
    const result = await kubectl(
      ['apply', '-f', '-'],
      replicationGroupYaml(ns, 'warned', (s) => (s.spec!.replicas = 5)),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Warning: spec\.replicas: found 5; allowed 2 to 3 .*\[rule replicas, warn\]/);
    expect((await getStatefulSet(ns, 'warned')).metadata!.annotations!['redis-replication/mutated-by']).toContain('policy=e2e');
  }, 60_000);
});

describe('when the webhook is down', () => {
  afterAll(() => {
    process.env.RRW_WEBHOOK_URL = execFileSync('bash', [join(cluster, 'webhook-up.sh')], { encoding: 'utf8' }).trim();
  });

  test('labeled StatefulSets are refused (failurePolicy Fail), everything else goes on', async () => {
    const ns = await namespace();
    await kubectlOk(
      ['apply', '-f', '-'],
      replicationGroupYaml(ns, 'plain', (s) => delete s.metadata!.labels!['redis-replication']),
    );
    execFileSync('bash', [join(cluster, 'webhook-down.sh')]);

    const labeled = await kubectl(['apply', '-f', '-'], replicationGroupYaml(ns, 'cache'));
    expect(labeled.code).not.toBe(0);
    expect(labeled.stderr).toMatch(/failed calling webhook "mutate\.redis-replication\.io"/);

    // The scale webhook fails open: scaling StatefulSets that are not ours must not depend on us.
    await kubectlOk(['scale', 'statefulset', 'plain', '-n', ns, '--replicas=2']);
    // kube-system is never sent to the webhook, so the cluster cannot lock itself out.
    await kubectlOk(['apply', '-f', '-'], replicationGroupYaml('kube-system', `sys-${process.pid}`));
    await kubectlOk(['delete', 'statefulset', `sys-${process.pid}`, '-n', 'kube-system', '--wait=false']);
  }, 60_000);
});
