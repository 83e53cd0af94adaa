import { Redis } from 'ioredis';
import { sentinelContainerName } from '../../src/wire/replicationNames.js';
import { eventually, report } from '../fixtures/eventually.js';
import type { StatefulSetPods } from '../fixtures/kubelet/statefulSetPods.js';
import { assertBuilt, runVerify } from '../fixtures/runVerify.js';
import {
  acknowledgedAfter,
  finish,
  oneLeader,
  port,
  sentinelPort,
  sentinelCall,
  sentinelFlags,
  otherSentinels,
  startGroup,
  stopGroups,
  stored,
  todaysRule,
  assertEveryWriteKept,
} from '../fixtures/sentinelGroup.js';

// Sentinel failover with real redis-server and Sentinel processes, each pod run from the stored
// (mutated) StatefulSet by the kubelet stand-in: its init container decides the role, its Redis and
// Sentinel containers run their stored commands.

beforeAll(assertBuilt);
afterEach(stopGroups);

/** `--alias` for every member: the DNS names followers and Sentinels use for it. */
const memberAliases = (pods: StatefulSetPods) =>
  pods.pods.flatMap((p) => ['--alias', `${p.address}:${port}=${p.name}.cache-headless.default.svc.cluster.local`]);

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
    const failoverMs = await acknowledgedAfter(observer, killedAt, 'a write acknowledged by a new leader', pods.pods[0].address);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + 12_000 - Date.now())));
    await pods.restart(0);
    const leader = await finish(pods, observer);
    expect(leader).not.toBe('cache-0');
    expect(pods.pods[0].logs()).toContain(`the master is ${leader}.cache-headless.default.svc.cluster.local. (the other members' Sentinels agree)`);
    // The promotion check finds the new leader by its role, not its ordinal.
    const aliases = memberAliases(pods);
    const verify = await runVerify(['--endpoints', pods.endpoints(port), '--sentinel', 'cache', ...aliases, '--timeout', '30', '--output', 'json']);
    const verdict = JSON.parse(verify.stdout) as {
      result: string;
      members: { name: string }[];
      checks: { check: string; status: string; found: string }[];
    };
    expect({ code: verify.code, result: verdict.result }).toEqual({ code: 0, result: 'passed' });
    expect(verdict.members[0].name).toBe(`${pods.pods[Number(leader.slice(-1))].address}:${port}`);
    // Every Sentinel names the new leader and can authorize a failover.
    expect(verdict.checks.filter((c) => c.check === 'sentinel-names-leader' && c.status === 'passed')).toHaveLength(3);
    expect(verdict.checks.filter((c) => c.check === 'sentinel-quorum').map((c) => c.found)).toEqual(
      Array(3).fill('OK 3 usable Sentinels. Quorum and failover authorization can be reached'),
    );
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
    expect(pods.pods[0].logs()).toContain("the master is cache-0.cache-headless.default.svc.cluster.local. (the other members' Sentinels agree)");
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
    await acknowledgedAfter(observer, Date.now(), 'a write acknowledged by a new leader', pods.pods[0].address);
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
      "the master is cache-0.cache-headless.default.svc.cluster.local. (no other Sentinel answers; the last master recorded on this member's volume)",
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
    await acknowledgedAfter(observer, killedAt, 'a write acknowledged by a new leader', pods.pods[0].address);
    await pods.restart(0);
    expect(await finish(pods, observer)).not.toBe('cache-0');
    // verify authenticates to Redis and to the Sentinels with the same password.
    const verify = await runVerify(['--endpoints', pods.endpoints(port), '--sentinel', 'cache', ...memberAliases(pods), '--timeout', '30'], {
      REDIS_PASSWORD: password,
    });
    expect({ code: verify.code, out: verify.stdout }).toEqual({ code: 0, out: expect.stringContaining('PASSED') as string });
    expect(verify.stdout).toContain('sentinel-quorum');
  }, 120_000);
});

describe('kubectl scale of a group with Sentinel failover', () => {
  test('a member added by a scale follows the master and its Sentinel joins; scaled down again, verify names the Sentinel still counted and the reset that fixes it', async () => {
    const { pods, observer } = await startGroup();
    // The stored template still says 3 members; pod 3 asks every member up to its own ordinal.
    await pods.restart(3);
    expect(pods.pods[3].logs()).toContain("the master is cache-0.cache-headless.default.svc.cluster.local. (the other members' Sentinels agree)");
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

    // Scaled down again: the others still count pod 3's Sentinel, and verify says so, with the fix.
    await pods.removeLast();
    const verify = () => runVerify(['--endpoints', pods.endpoints(port), '--sentinel', 'cache', ...memberAliases(pods), '--timeout', '1']);
    const stale = await verify();
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(
      'sentinel-count: expected 2 other Sentinels, one per other member; found 3 (it still counts Sentinels of members removed by a scale down: send SENTINEL RESET <master> to each',
    );
    // The fix as the finding says: one Sentinel at a time, each counting the others again before the next.
    for (const ordinal of [0, 1, 2]) {
      await sentinelCall(pods, ordinal, ['SENTINEL', 'RESET', 'cache']);
      await eventually(
        async () => ((await otherSentinels(pods))[ordinal] === 2 ? true : undefined),
        30_000,
        `cache-${ordinal}'s Sentinel to count 2 others`,
      );
    }
    const fixed = await eventually(
      async () => {
        const run = await verify();
        return run.code === 0 ? run : undefined;
      },
      30_000,
      'verify to pass after the resets',
    );
    expect(fixed.stdout).toContain('PASSED');
  }, 180_000);
});

describe("the control: today's rule (pod 0 leads whenever it starts) under the same Sentinels", () => {
  test('pod 0 back after a failover leads a second time: two members accept writes', async () => {
    const { pods, observer } = await startGroup();
    await pods.kill(0);
    await acknowledgedAfter(observer, Date.now(), 'a write acknowledged by a new leader', pods.pods[0].address);
    await pods.restart(0, todaysRule(pods.sts));
    await eventually(() => (observer.splitBrains.length > 0 ? true : undefined), 20_000, 'two members accepting writes');
    await observer.stop();
  }, 120_000);
});
