import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { sentinelContainerName } from '../../src/rules/replicationNames.js';
import { eventually } from '../fixtures/eventually.js';
import { kubectl, kubectlOk } from '../fixtures/kubectl.js';
import { replicationGroupYaml } from '../fixtures/manifest.js';

// failover.mode sentinel through the real API server: a ReplicationPolicy object chooses it for one
// namespace, which enforces the restricted Pod Security Standard.

const ns = `e2e-sentinel-${process.pid}`;
const policyName = `e2e-sentinel-${process.pid}`;
const policy = stringify({
  apiVersion: 'redis-replication.io/v1alpha1',
  kind: 'ReplicationPolicy',
  metadata: { name: policyName },
  spec: { namespaces: [ns], failover: { mode: 'sentinel' } },
});

async function stored(): Promise<V1StatefulSet> {
  return JSON.parse(await kubectlOk(['get', 'statefulset', 'cache', '-n', ns, '-o', 'json'])) as V1StatefulSet;
}

beforeAll(async () => {
  await kubectlOk(['create', 'namespace', ns]);
  await kubectlOk(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
  await kubectlOk(['apply', '-f', '-'], policy);
  // In force once a dry run is mutated by it.
  await eventually(
    async () => {
      const run = await kubectl(['apply', '--dry-run=server', '-o', 'json', '-f', '-'], replicationGroupYaml(ns, 'cache'));
      return run.code === 0 && run.stdout.includes(`policy=${policyName}`) ? true : undefined;
    },
    15_000,
    'the sentinel policy in force',
  );
}, 30_000);

afterAll(async () => {
  await kubectl(['delete', 'replicationpolicy', policyName, '--ignore-not-found']);
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
});

describe('a StatefulSet under a policy with failover.mode sentinel', () => {
  test('is stored with a Sentinel per member and Parallel starts; applying it again changes nothing', async () => {
    await kubectlOk(['apply', '--server-side', '--field-manager=e2e', '-f', '-'], replicationGroupYaml(ns, 'cache'));
    const first = await stored();
    expect(first.spec!.podManagementPolicy).toBe('Parallel');
    const containers = first.spec!.template.spec!.containers;
    expect(containers.map((c) => c.name)).toEqual(['redis', sentinelContainerName]);
    expect(containers[1]).toMatchObject({
      image: 'redis:7.2',
      command: ['redis-server', '/data/redis-replication-sentinel.conf', '--sentinel'],
      ports: [{ name: 'sentinel', containerPort: 26379, protocol: 'TCP' }],
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    });
    const init = first.spec!.template.spec!.initContainers!.find((c) => c.name === 'redis-replication-init')!;
    expect(init.env).toEqual(
      expect.arrayContaining([
        { name: 'REDIS_FAILOVER', value: 'sentinel' },
        { name: 'REDIS_SENTINEL_QUORUM', value: '2' },
        { name: 'REDIS_MEMBERS', value: '3' },
      ]),
    );
    expect(init.env!.find((e) => e.name === 'REDIS_REPLICATION_CONFIG')!.value).toContain('min-replicas-to-write 1\nmin-replicas-max-lag 10');

    await kubectlOk(['apply', '--server-side', '--field-manager=e2e', '-f', '-'], replicationGroupYaml(ns, 'cache'));
    await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'cache'));
    const again = await stored();
    expect(again.metadata!.generation).toBe(first.metadata!.generation);
    expect(again.spec!.template).toEqual(first.spec!.template);
  }, 30_000);

  test('its pods pass the restricted Pod Security Standard: the controller creates every member at once', async () => {
    const pods = await eventually(
      async () => {
        const list = JSON.parse(await kubectlOk(['get', 'pods', '-n', ns, '-o', 'json'])) as { items: V1Pod[] };
        return list.items.length === 3 ? list.items : undefined;
      },
      20_000,
      'three pods (Parallel) in the restricted namespace',
    );
    expect(pods.map((p) => p.metadata!.name).sort()).toEqual(['cache-0', 'cache-1', 'cache-2']);
    const events = await kubectlOk(['get', 'events', '-n', ns, '--field-selector', 'reason=FailedCreate', '-o', 'name']);
    expect(events).toBe('');
  }, 30_000);

  test('a scale below 3 is refused, naming the failover mode', async () => {
    const run = await kubectl(['scale', 'statefulset', 'cache', '-n', ns, '--replicas=2']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      `spec.replicas: found 2; allowed 3 to 9 (policy "${policyName}" with failover.mode sentinel: its Sentinels need a majority left after losing one)`,
    );
    expect((await stored()).spec!.replicas).toBe(3);
  }, 30_000);

  test('a StatefulSet stored with OrderedReady cannot switch to Sentinel: the message says how to recreate it', async () => {
    // Stored under the built-in policy (named by annotation), then the annotation dropped: the sentinel policy applies.
    const legacy = (annotate: boolean) =>
      replicationGroupYaml(ns, 'legacy', (s) => {
        if (annotate) s.metadata!.annotations = { 'redis-replication/policy': 'default' };
        else s.spec!.template.metadata!.annotations = { changed: 'once' };
      });
    await kubectlOk(['apply', '-f', '-'], legacy(true));
    expect((JSON.parse(await kubectlOk(['get', 'statefulset', 'legacy', '-n', ns, '-o', 'json'])) as V1StatefulSet).spec!.podManagementPolicy).toBe(
      'OrderedReady',
    );
    const run = await kubectl(['apply', '-f', '-'], legacy(false));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      'spec.podManagementPolicy: found "OrderedReady"; allowed Parallel (with failover.mode sentinel: the member that led last may be any pod, and the others wait for it); the field cannot be changed on a stored StatefulSet: kubectl delete statefulset NAME --cascade=orphan, then apply it with podManagementPolicy: Parallel (pods and volumes are kept)',
    );
  }, 30_000);
});
