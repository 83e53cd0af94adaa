import type { V1StatefulSet } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { sentinelContainerName } from '../../src/wire/replicationNames.js';
import { eventually, report } from '../fixtures/eventually.js';
import { FailoverObserver, missingKeys } from '../fixtures/failoverObserver.js';
import { NodeGroup, resolvesInCluster } from '../fixtures/nodeGroup.js';
import { crashLoop, describePods, execIn, killContainer, pod, podsReady, sentinelEvents } from '../fixtures/nodePods.js';
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

  test('its pods pass the restricted Pod Security Standard: the controller creates every member at once, and each starts and is Ready on the node', async () => {
    // Ready: the kubelet ran its own runAsNonRoot check on our security contexts, started every container and the stored probes pass.
    const pods = await podsReady(ns, 'app.kubernetes.io/name=cache', 3, 180_000);
    expect(pods.map((p) => p.metadata!.name)).toEqual(['cache-0', 'cache-1', 'cache-2']);
    // The controller may retry a create while the namespace's ServiceAccount is still being made; none is refused by PodSecurity.
    const events = await kubectlOk(['get', 'events', '-n', ns, '--field-selector', 'reason=FailedCreate', '-o', 'jsonpath={.items[*].message}']);
    expect(events).not.toMatch(/PodSecurity/);
  }, 200_000);

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

// Failover on the real node: the leader's Redis container killed through the runtime (once, which the
// kubelet restarts at once, or in a crash loop: killed again on every restart for 8 s), or its pod deleted, with and without publishNotReadyAddresses on the headless Service. A
// client writes SET + WAIT through Sentinel throughout and a poller asks every member whether it takes
// writes. A leader back within down-after leads again; one away longer is replaced, and follows.
const failoverCases = [
  { how: 'kill' as const, publishNotReadyAddresses: false },
  // Killed (once or in a loop) not with publishNotReadyAddresses: there the followers resync from a
  // restart of the leader (its name still resolves), and a failover under way can pick a follower that
  // did not, losing writes acknowledged in between (the crash loop: 2 runs of 6; killed once, it needs a
  // restart later than down-after, which load brings). README, Failover with Sentinel. Open.
  { how: 'crash-loop' as const, publishNotReadyAddresses: false },
  { how: 'delete' as const, publishNotReadyAddresses: false },
  { how: 'delete' as const, publishNotReadyAddresses: true },
].map((c) => ({ ...c, namespace: `${ns}-${c.how}${c.publishNotReadyAddresses ? '-pna' : ''}` }));
const failoverPolicy = `${policyName}-failover`;

// Jest starts concurrent tests before beforeAll hooks run: each test awaits this set-up, made once.
let prepared: Promise<void> | undefined;
const prepareFailoverCases = () => (prepared ??= prepare());

async function prepare(): Promise<void> {
  for (const { namespace } of failoverCases) {
    await kubectlOk(['create', 'namespace', namespace]);
    await kubectlOk(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
  }
  await kubectlOk(
    ['apply', '-f', '-'],
    stringify({
      apiVersion: 'redis-replication.io/v1alpha1',
      kind: 'ReplicationPolicy',
      metadata: { name: failoverPolicy },
      spec: {
        namespaces: failoverCases.map((c) => c.namespace),
        failover: { mode: 'sentinel', sentinel: { downAfterMilliseconds: 2000, failoverTimeoutMilliseconds: 10000 } },
        config: { 'repl-diskless-sync-delay': '0' },
      },
    }),
  );
  await eventually(
    async () => {
      const run = await kubectl(['apply', '--dry-run=server', '-o', 'json', '-f', '-'], replicationGroupYaml(failoverCases[0].namespace, 'cache'));
      return run.code === 0 && run.stdout.includes(`policy=${failoverPolicy}`) ? true : undefined;
    },
    15_000,
    'the failover policy in force',
  );
}

describe('on the real node, when the leader is lost', () => {
  afterAll(async () => {
    await kubectl(['delete', 'replicationpolicy', failoverPolicy, '--ignore-not-found']);
    for (const { namespace } of failoverCases) await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  }, 30_000);

  test.concurrent.each(failoverCases)(
    'leader $how (publishNotReadyAddresses $publishNotReadyAddresses): one writable member at most, no acknowledged write lost; a new leader when it stays away, and pod 0 back as a follower',
    async ({ how, publishNotReadyAddresses, namespace }) => {
      await prepareFailoverCases();
      const yaml = replicationGroupYaml(namespace, 'cache').replace(
        'clusterIP: None',
        `clusterIP: None\n  publishNotReadyAddresses: ${publishNotReadyAddresses}`,
      );
      const appliedAt = Date.now();
      await kubectlOk(['apply', '-f', '-'], yaml);
      const selector = 'app.kubernetes.io/name=cache';
      await podsReady(namespace, selector, 3, 180_000);
      const readyMs = Date.now() - appliedAt;
      const sentinelView = async (member: string) =>
        (await execIn(namespace, member, sentinelContainerName, ['redis-cli', '-p', '26379', '--no-raw', 'sentinel', 'master', 'cache'])).stdout;
      // A failover needs every Sentinel to know both followers and the other Sentinels (learned within ~10 s).
      await eventually(
        async () => {
          const views = await Promise.all(['cache-0', 'cache-1', 'cache-2'].map(sentinelView));
          return views.every((v) => /"num-slaves"\n\d+\) "2"/.test(v) && /"num-other-sentinels"\n\d+\) "2"/.test(v)) ? true : undefined;
        },
        60_000,
        'every Sentinel to know the whole group',
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}:\n${await describePods(namespace)}`);
      });
      const group = await NodeGroup.watch(namespace, selector, 'cache-headless');
      const observer = new FailoverObserver(group, { masterName: 'cache', port: 6379, sentinelPort: 26379 });
      const leaderName = `cache-0.cache-headless.${namespace}.svc.cluster.local.`;
      const failure = async (error: Error): Promise<never> => {
        const views = await Promise.all(['cache-0', 'cache-1', 'cache-2'].map(sentinelView));
        const logs = await Promise.all(['cache-0', 'cache-1', 'cache-2'].map((member) => sentinelEvents(namespace, member, sentinelContainerName)));
        throw new Error(`${error.message}:\n${views.join('\n')}\n${logs.join('\n')}\n${await describePods(namespace)}`);
      };
      try {
        await eventually(() => (observer.acknowledged.length >= 20 ? true : undefined), 30_000, '20 acknowledged writes');
        const oldLeader = group.address('cache-0')!;
        const uid = (await pod(namespace, 'cache-0')).metadata!.uid;
        const lostAt = Date.now();
        if (how === 'delete') await kubectlOk(['delete', 'pod', 'cache-0', '-n', namespace, '--wait=false']);
        else if (how === 'crash-loop') await crashLoop(namespace, 'cache-0', 'redis');
        else await killContainer(namespace, 'cache-0', 'redis');
        // The leader's name while it is away, as cluster DNS answers it.
        let nameWithdrawn = false;
        const dnsWatch = (async () => {
          while (Date.now() - lostAt < 30_000 && !nameWithdrawn) {
            if (!(await resolvesInCluster(leaderName))) nameWithdrawn = true;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        })();
        // Writes are acknowledged again (a write in flight at the loss may still be acknowledged by the old leader: 1 s later).
        await eventually(() => observer.firstAcknowledgedAfter(lostAt + 1000), 90_000, 'writes acknowledged again').catch(failure);
        // Deleted, pod 0 is another pod (while the old one terminates it may still count as Ready).
        if (how === 'delete')
          await eventually(
            async () => ((await pod(namespace, 'cache-0').catch(() => undefined))?.metadata?.uid !== uid ? true : undefined),
            60_000,
            'a new cache-0',
          );
        await podsReady(namespace, selector, 3, 180_000);
        const leader = await eventually(
          async () => {
            const writable = await observer.writableMembers();
            return writable.length === 1 ? writable[0] : undefined;
          },
          60_000,
          'one member that takes writes',
        ).catch(failure);
        // Away 8 s, longer than down-after: the Sentinels replace it.
        if (how === 'crash-loop' && leader === 'cache-0')
          await failure(new Error('expected a new leader after a crash loop of cache-0; found cache-0 leading'));
        if (leader !== 'cache-0')
          await eventually(
            async () => {
              const role = await execIn(namespace, 'cache-0', 'redis', ['redis-cli', 'role']);
              return role.code === 0 && role.stdout.split('\n')[0] === 'slave' ? true : undefined;
            },
            60_000,
            'cache-0 back as a follower',
          ).catch(failure);
        await dnsWatch;
        await observer.stop();
        expect(observer.splitBrains).toEqual([]);
        const keys = observer.acknowledged.map((w) => w.key);
        expect(await missingKeys(group.address(leader)!, 6379, keys)).toEqual([]);
        // Deleted without publishNotReadyAddresses, the leader's name is withdrawn until its new pod is ready;
        // with it, a pod that stays keeps its name while not ready.
        if (how === 'delete' && !publishNotReadyAddresses) expect(nameWithdrawn).toBe(true);
        if (how !== 'delete' && publishNotReadyAddresses) expect(nameWithdrawn).toBe(false);
        const firstByLeader = observer.firstAcknowledgedAfter(lostAt, leader === 'cache-0' ? undefined : oldLeader);
        report(`leader ${how} on the node (publishNotReadyAddresses ${publishNotReadyAddresses})`, {
          outcome: leader === 'cache-0' ? 'pod 0 back within down-after, leading again' : `${leader} leads, pod 0 follows`,
          'lost to first write acknowledged by the leader after (ms)': firstByLeader ? firstByLeader.at - lostAt : 'none',
          'apply to every pod Ready (ms)': readyMs,
          'acknowledged writes': keys.length,
          "leader's name withdrawn": String(nameWithdrawn),
        });
      } finally {
        await observer.stop();
        await group.stop();
      }
    },
    420_000,
  );
});
