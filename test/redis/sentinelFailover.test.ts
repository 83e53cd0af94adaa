import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { Redis } from 'ioredis';
import { admitStatefulSet } from '../../src/check/admitStatefulSet.js';
import { effectivePolicy } from '../../src/policy/effectivePolicy.js';
import type { EffectivePolicy } from '../../src/policy/replicationPolicy.js';
import { initContainerName, sentinelContainerName } from '../../src/rules/replicationNames.js';
import { eventually, report } from '../fixtures/eventually.js';
import { FailoverObserver, missingKeys } from '../fixtures/failoverObserver.js';
import { StatefulSetPods } from '../fixtures/kubelet/statefulSetPods.js';
import { assertBuilt, runVerify } from '../fixtures/runVerify.js';
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

/** The group's password by group, for the test's own clients: Redis and the Sentinels require the same one. */
const passwords = new WeakMap<StatefulSetPods, string>();
const auth = (pods: StatefulSetPods) => {
  const password = passwords.get(pods);
  return password === undefined ? {} : { password };
};

function stored(withPolicy: EffectivePolicy = policy): V1StatefulSet {
  const sts = sampleStatefulSet();
  const admission = admitStatefulSet(sts, 'default', [withPolicy], headless);
  expect(admission.allowed).toBe(true);
  return fastJsonPatch.applyPatch(structuredClone(sts), admission.patch, true, false).newDocument;
}

/** The members' roles as they report them: `master` or `slave` and whom it follows. */
async function roles(pods: StatefulSetPods): Promise<string[]> {
  return Promise.all(
    pods.pods.map(async (p) => {
      const client = new Redis({ host: p.address, port, maxRetriesPerRequest: 0, lazyConnect: true, ...auth(pods) });
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

/** The flags each of the given members' Sentinels has for the master (`master`, `s_down`, `o_down`, `failover_in_progress`...). */
async function sentinelFlags(pods: StatefulSetPods, ordinals: number[]): Promise<string[]> {
  return Promise.all(
    ordinals.map(async (i) => {
      const client = new Redis({ host: pods.pods[i].address, port: sentinelPort, maxRetriesPerRequest: 0, ...auth(pods) });
      client.on('error', () => undefined);
      try {
        const fields = (await client.call('SENTINEL', 'MASTER', 'cache')) as string[];
        return fields[fields.indexOf('flags') + 1];
      } catch {
        return 'unreachable';
      } finally {
        client.disconnect();
      }
    }),
  );
}

/**
 * The same pods under the rule the webhook used before Sentinel: pod 0 leads whenever it starts, and a
 * leader takes writes with no follower in sync. Only the init container's environment differs.
 */
function todaysRule(sts: V1StatefulSet): V1StatefulSet {
  const control = structuredClone(sts);
  const init = control.spec!.template.spec!.initContainers!.find((c) => c.name === initContainerName)!;
  init.env = init.env!.filter((e) => e.name !== 'REDIS_FAILOVER');
  const config = init.env.find((e) => e.name === 'REDIS_REPLICATION_CONFIG')!;
  config.value = config
    .value!.split('\n')
    .filter((line) => !line.startsWith('min-replicas-'))
    .join('\n');
  return control;
}

/** How many other Sentinels each member's Sentinel knows. */
async function otherSentinels(pods: StatefulSetPods): Promise<number[]> {
  return Promise.all(
    pods.pods.map(async (p) => {
      const client = new Redis({ host: p.address, port: sentinelPort, maxRetriesPerRequest: 0, ...auth(pods) });
      client.on('error', () => undefined);
      try {
        const fields = (await client.call('SENTINEL', 'MASTER', 'cache')) as string[];
        return Number(fields[fields.indexOf('num-other-sentinels') + 1]);
      } catch {
        return -1;
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
      const client = new Redis({ host: p.address, port: sentinelPort, maxRetriesPerRequest: 0, ...auth(pods) });
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
        const lacking = await missingKeys(pod.address, port, keys, passwords.get(pods));
        return lacking.length === 0 ? lacking : undefined;
      },
      15_000,
      `${pod.name} to hold all ${keys.length} acknowledged writes`,
    ).catch(async () => missingKeys(pod.address, port, keys, passwords.get(pods)));
    expect({ member: pod.name, missing }).toEqual({ member: pod.name, missing: [] });
  }
}

/** A running group whose Sentinels know each other, with the observer writing and polling. */
async function startGroup(password?: string): Promise<{ pods: StatefulSetPods; observer: FailoverObserver }> {
  const withPolicy = password === undefined ? policy : { ...policy, auth: { secretName: 'cache-auth', secretKey: 'password' } };
  const secrets = password === undefined ? [] : [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cache-auth' }, stringData: { password } }];
  const pods = StatefulSetPods.create(stored(withPolicy), { namespace: 'default', configMaps: [], secrets, services: [headless] });
  if (password !== undefined) passwords.set(pods, password);
  groups.push(pods);
  await pods.start(30_000);
  await eventually(async () => ((await sentinelsFormed(pods)) ? true : undefined), 30_000, 'the Sentinels to find each other');
  const observer = new FailoverObserver(pods, { masterName: 'cache', port, sentinelPort, ...auth(pods) });
  observers.push(observer);
  await eventually(() => (observer.acknowledged.length >= 20 ? true : undefined), 15_000, '20 acknowledged writes');
  return { pods, observer };
}

/** Writes go on being acknowledged after `since`: the group has a leader again. */
async function acknowledgedAfter(observer: FailoverObserver, since: number, what: string): Promise<number> {
  const first = await eventually(() => observer.firstAcknowledgedAfter(since), 30_000, what);
  return first.at - since;
}

/** The end state every case must reach: one master, every other member following it with its link up. */
async function oneLeader(pods: StatefulSetPods): Promise<string> {
  const settled = await eventually(
    async () => {
      const found = await roles(pods);
      const masters = found.flatMap((r, i) => (r === 'master' ? [`cache-${i}`] : []));
      return masters.length === 1 && found.every((r) => r === 'master' || r === `slave of ${masters[0]} (up)`) ? masters[0] : undefined;
    },
    30_000,
    'one master followed by every other member',
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}; found ${JSON.stringify(await roles(pods))}\n${pods.logs()}`);
  });
  return settled;
}

async function finish(pods: StatefulSetPods, observer: FailoverObserver): Promise<string> {
  await eventually(() => observer.firstAcknowledgedAfter(Date.now() - 500), 20_000, 'writes acknowledged at the end');
  await observer.stop();
  const leader = await oneLeader(pods);
  expect(observer.splitBrains).toEqual([]);
  await assertEveryWriteKept(pods, observer);
  return leader;
}

beforeAll(assertBuilt);
const groups: StatefulSetPods[] = [];
const observers: FailoverObserver[] = [];
afterEach(async () => {
  await Promise.all(observers.splice(0).map((o) => o.stop()));
  await Promise.all(groups.splice(0).map((g) => g.stop()));
});

describe('a group with failover.mode sentinel, run as stored', () => {
  test('the stored pods carry a Sentinel and start all at once', () => {
    const sts = stored();
    expect(sts.spec!.podManagementPolicy).toBe('Parallel');
    expect(sts.spec!.template.spec!.containers.map((c) => c.name)).toEqual(['redis', sentinelContainerName]);
  });

  test('the leader killed: a follower takes over, pod 0 comes back 12 s later as a follower', async () => {
    const { pods, observer } = await startGroup();
    const killedAt = Date.now();
    await pods.kill(0);
    const failoverMs = await acknowledgedAfter(observer, killedAt, 'a write acknowledged by a new leader');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + 12_000 - Date.now())));
    await pods.restart(0);
    const leader = await finish(pods, observer);
    expect(leader).not.toBe('cache-0');
    expect(pods.pods[0].logs()).toContain(`the master is ${leader}.cache-headless.default.svc.cluster.local (the other members' Sentinels agree)`);
    // The promotion check finds the new leader by its role, not its ordinal.
    const aliases = pods.pods.flatMap((p) => ['--alias', `${p.address}:${port}=${p.name}.cache-headless.default.svc.cluster.local`]);
    const verify = await runVerify(['--endpoints', pods.endpoints(port), '--any-leader', ...aliases, '--timeout', '30', '--output', 'json']);
    const verdict = JSON.parse(verify.stdout) as { result: string; members: { name: string }[] };
    expect({ code: verify.code, result: verdict.result }).toEqual({ code: 0, result: 'passed' });
    expect(verdict.members[0].name).toBe(`${pods.pods[Number(leader.slice(-1))].address}:${port}`);
    // Without --any-leader, pod 0 must lead: the same group fails, naming it.
    const byOrdinal = await runVerify(['--endpoints', pods.endpoints(port), ...aliases, '--timeout', '1']);
    expect(byOrdinal.code).toBe(1);
    expect(byOrdinal.stdout).toContain(`leader-role: expected role master (pod 0 is the leader); found role replica of ${leader}.`);
    report('sentinel failover, leader killed', {
      'kill to first acknowledged write (ms)': failoverMs,
      'acknowledged writes': observer.acknowledged.length,
    });
  }, 120_000);

  test('the leader back within down-after: it leads again with the data on its volume, no failover', async () => {
    const { pods, observer } = await startGroup();
    await pods.kill(0);
    await pods.restart(0);
    expect(await finish(pods, observer)).toBe('cache-0');
    expect(pods.pods[0].logs()).toContain("the master is cache-0.cache-headless.default.svc.cluster.local (the other members' Sentinels agree)");
  }, 120_000);

  test('the leader back while the failover runs: it waits for the outcome and follows the new leader', async () => {
    const { pods, observer } = await startGroup();
    await pods.kill(0);
    // A Sentinel has agreed the leader is down (o_down) or is failing over: pod 0 starts in the middle of it.
    await eventually(
      async () => ((await sentinelFlags(pods, [1, 2])).some((f) => /o_down|failover/.test(f)) ? true : undefined),
      20_000,
      'the failover to begin',
    );
    await pods.restart(0);
    expect(await finish(pods, observer)).not.toBe('cache-0');
  }, 120_000);

  test('every member restarted at once: the last leader leads again, the others follow it', async () => {
    const { pods, observer } = await startGroup();
    // First a failover, so the leader is not pod 0 and only the records on the volumes can say who it is.
    await pods.kill(0);
    await acknowledgedAfter(observer, Date.now(), 'a write acknowledged by a new leader');
    await pods.restart(0);
    const before = await oneLeader(pods);
    await Promise.all([0, 1, 2].map((i) => pods.kill(i)));
    await Promise.all([0, 1, 2].map((i) => pods.restart(i)));
    expect(await finish(pods, observer)).toBe(before);
  }, 120_000);

  test('a member started while no other Sentinel answers follows the master recorded on its volume', async () => {
    const { pods, observer } = await startGroup();
    await pods.kill(2);
    await Promise.all([0, 1].map((i) => pods.pods[i].containers.get(sentinelContainerName)!.kill()));
    await pods.restart(2);
    expect(pods.pods[2].logs()).toContain(
      "the master is cache-0.cache-headless.default.svc.cluster.local (no other Sentinel answers; the last master recorded on this member's volume)",
    );
    await observer.stop();
    expect(await oneLeader(pods)).toBe('cache-0');
    expect(observer.splitBrains).toEqual([]);
    await assertEveryWriteKept(pods, observer);
  }, 120_000);
});

describe('a group with a password', () => {
  // Quotes, a backslash, a dollar sign, spaces and a trailing newline (a Secret made from a file).
  const password = 'se"cr et\\$(x)\n';

  test('Redis and the Sentinels require it; the leader killed, the group fails over and pod 0 follows', async () => {
    const { pods, observer } = await startGroup(password);
    for (const target of [port, sentinelPort]) {
      const anonymous = new Redis({ host: pods.pods[1].address, port: target, maxRetriesPerRequest: 0, lazyConnect: true, enableReadyCheck: false });
      anonymous.on('error', () => undefined);
      try {
        await anonymous.connect();
        const refused = await anonymous.call(target === port ? 'SET' : 'SENTINEL', ...(target === port ? ['k', 'v'] : ['MASTERS'])).then(
          () => 'accepted',
          (error: Error) => error.message,
        );
        expect(refused).toMatch(/^NOAUTH/);
      } finally {
        anonymous.disconnect();
      }
    }
    const killedAt = Date.now();
    await pods.kill(0);
    await acknowledgedAfter(observer, killedAt, 'a write acknowledged by a new leader');
    await pods.restart(0);
    expect(await finish(pods, observer)).not.toBe('cache-0');
  }, 120_000);
});

describe('kubectl scale of a group with Sentinel failover', () => {
  test('a member added by a scale (the template unchanged) follows the master, and its Sentinel joins the others', async () => {
    const { pods, observer } = await startGroup();
    // The stored template still says 3 members; pod 3 asks every member up to its own ordinal.
    await pods.restart(3);
    expect(pods.pods[3].logs()).toContain("the master is cache-0.cache-headless.default.svc.cluster.local (the other members' Sentinels agree)");
    await eventually(
      async () =>
        (await sentinelFlags(pods, [0, 1, 2, 3])).every((f) => f === 'master') && (await otherSentinels(pods)).every((n) => n === 3)
          ? true
          : undefined,
      20_000,
      'four Sentinels that know each other',
    );
    await observer.stop();
    expect(await oneLeader(pods)).toBe('cache-0');
    expect(observer.splitBrains).toEqual([]);
    await assertEveryWriteKept(pods, observer);
  }, 120_000);
});

describe("the control: today's rule (pod 0 leads whenever it starts) under the same Sentinels", () => {
  test('pod 0 back after a failover leads a second time: two members accept writes', async () => {
    const { pods, observer } = await startGroup();
    await pods.kill(0);
    await acknowledgedAfter(observer, Date.now(), 'a write acknowledged by a new leader');
    await pods.restart(0, todaysRule(pods.sts));
    await eventually(() => (observer.splitBrains.length > 0 ? true : undefined), 20_000, 'two members accepting writes');
    await observer.stop();
  }, 120_000);
});
