import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { Redis } from 'ioredis';
import { admitStatefulSet } from '../../src/check/admitStatefulSet.js';
import { effectivePolicy } from '../../src/policy/effectivePolicy.js';
import type { EffectivePolicy } from '../../src/policy/replicationPolicy.js';
import { sentinelContainerName } from '../../src/rules/replicationNames.js';
import { eventually, report } from '../fixtures/eventually.js';
import { FailoverObserver, missingKeys } from '../fixtures/failoverObserver.js';
import { StatefulSetPods } from '../fixtures/kubelet/statefulSetPods.js';
import { sampleStatefulSet } from '../fixtures/statefulSet.js';

// Sentinel failover with real redis-server and Sentinel processes, each pod run from the stored
// (mutated) StatefulSet by the kubelet stand-in: its init container decides the role, its Redis and
// Sentinel containers run their stored commands.
const port = 6379;
const sentinelPort = 26379;
const headless: V1Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cache-headless' }, spec: { clusterIP: 'None' } };

const policy: EffectivePolicy = effectivePolicy({
  apiVersion: 'redis-replication.io/v1alpha1',
  kind: 'ReplicationPolicy',
  metadata: { name: 'failover' },
  spec: {
    failover: { mode: 'sentinel', sentinel: { downAfterMilliseconds: 2000, failoverTimeoutMilliseconds: 10000 } },
    // Followers resync at once instead of waiting 5 s to batch.
    config: { 'repl-diskless-sync-delay': '0' },
  },
});

function stored(): V1StatefulSet {
  const sts = sampleStatefulSet();
  const admission = admitStatefulSet(sts, 'default', [policy], headless);
  expect(admission.allowed).toBe(true);
  return fastJsonPatch.applyPatch(structuredClone(sts), admission.patch, true, false).newDocument;
}

/** The members' roles as they report them: `master` or `slave` and whom it follows. */
async function roles(pods: StatefulSetPods): Promise<string[]> {
  return Promise.all(
    pods.pods.map(async (p) => {
      const client = new Redis({ host: p.address, port, maxRetriesPerRequest: 0, lazyConnect: true });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const info = await client.info('replication');
        const role = /^role:(\w+)/m.exec(info)?.[1] ?? '?';
        const master = /^master_host:(.*)$/m.exec(info)?.[1]?.trim();
        const link = /^master_link_status:(\w+)/m.exec(info)?.[1];
        return role === 'master' ? 'master' : `slave of ${master?.split('.')[0] ?? '?'} (${link})`;
      } catch {
        return 'down';
      } finally {
        client.disconnect();
      }
    }),
  );
}

/** Every Sentinel knows the other two and both followers: the group can fail over. */
async function sentinelsFormed(pods: StatefulSetPods): Promise<boolean> {
  const views = await Promise.all(
    pods.pods.map(async (p) => {
      const client = new Redis({ host: p.address, port: sentinelPort, maxRetriesPerRequest: 0 });
      client.on('error', () => undefined);
      try {
        const fields = (await client.call('SENTINEL', 'MASTER', 'cache')) as string[];
        const value = (name: string) => Number(fields[fields.indexOf(name) + 1]);
        return value('num-other-sentinels') === 2 && value('num-slaves') === 2;
      } catch {
        return false;
      } finally {
        client.disconnect();
      }
    }),
  );
  return views.every(Boolean);
}

async function assertEveryWriteKept(pods: StatefulSetPods, observer: FailoverObserver): Promise<void> {
  const keys = observer.acknowledged.map((w) => w.key);
  expect(keys.length).toBeGreaterThan(20);
  // Followers catch up asynchronously: every acknowledged key reaches every member, or the test fails naming what is missing.
  for (const pod of pods.pods) {
    const missing = await eventually(
      async () => {
        const lacking = await missingKeys(pod.address, port, keys);
        return lacking.length === 0 ? lacking : undefined;
      },
      15_000,
      `${pod.name} to hold all ${keys.length} acknowledged writes`,
    ).catch(async () => missingKeys(pod.address, port, keys));
    expect({ member: pod.name, missing }).toEqual({ member: pod.name, missing: [] });
  }
}

describe('a group with failover.mode sentinel, run as stored', () => {
  let pods: StatefulSetPods;
  afterEach(async () => {
    await pods?.stop();
  });

  test('the stored pods carry a Sentinel and start all at once', () => {
    const sts = stored();
    expect(sts.spec!.podManagementPolicy).toBe('Parallel');
    expect(sts.spec!.template.spec!.containers.map((c) => c.name)).toEqual(['redis', sentinelContainerName]);
  });

  test('the leader killed: a follower takes over, pod 0 comes back 12 s later as a follower; one writable member at a time, no acknowledged write lost', async () => {
    pods = StatefulSetPods.create(stored(), { namespace: 'default', configMaps: [], secrets: [], services: [headless] });
    await pods.start(30_000);
    await eventually(async () => ((await sentinelsFormed(pods)) ? true : undefined), 30_000, 'the Sentinels to find each other');
    const observer = new FailoverObserver(pods, { masterName: 'cache', port, sentinelPort });
    try {
      await eventually(() => (observer.acknowledged.length >= 20 ? true : undefined), 15_000, '20 acknowledged writes');
      const killedAt = Date.now();
      await pods.kill(0);
      const first = await eventually(() => observer.firstAcknowledgedAfter(killedAt), 30_000, 'a write acknowledged by a new leader');
      const failoverMs = first.at - killedAt;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + 12_000 - Date.now())));
      await pods.restart(0);
      await eventually(() => (observer.acknowledged.length >= 50 && observer.firstAcknowledgedAfter(Date.now() - 1000) ? true : undefined), 20_000);
      await observer.stop();
      const [pod0] = await roles(pods);
      expect(pod0).toMatch(/^slave of cache-[12] \(up\)$/);
      expect(pods.pods[0].logs()).toMatch(
        /the master is cache-[12]\.cache-headless\.default\.svc\.cluster\.local \(the other members' Sentinels agree\)/,
      );
      expect(observer.splitBrains).toEqual([]);
      await assertEveryWriteKept(pods, observer);
      report('sentinel failover, leader killed', {
        'kill to first acknowledged write (ms)': failoverMs,
        'acknowledged writes': observer.acknowledged.length,
      });
    } finally {
      await observer.stop();
    }
  }, 120_000);
});
