import { report } from '../fixtures/eventually.js';
import { eventually } from '../fixtures/eventually.js';
import { acknowledgedAfter, finish, oneLeader, policy, sentinelsFormed, startGroup, stopGroups } from '../fixtures/sentinelGroup.js';

// npm run bench:failover: the failover time of a group with Sentinel failover, with real redis-server and
// Sentinel processes run from the stored StatefulSet by the kubelet stand-in (root). Each round kills the
// current leader (every container of its pod at once, as a lost node) and measures the time from the kill
// to the first write acknowledged (SET + WAIT 1) through Sentinel by the new leader; then starts the
// killed pod again, which must come back as a follower. The floor: Sentinel's down-after, the time it
// waits before it calls a leader down; no failover can be faster.

const rounds = Number(process.env.RRW_FAILOVER_ROUNDS ?? 5);

afterAll(stopGroups);

test(`failover time over ${rounds} rounds; no acknowledged write lost, never two writable members`, async () => {
  const { pods, observer } = await startGroup();
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Each round starts from a whole group: one leader, every follower linked, every Sentinel known to the others.
    const leader = Number((await oneLeader(pods)).slice(-1));
    await eventually(async () => ((await sentinelsFormed(pods)) ? true : undefined), 30_000, 'the Sentinels to know each other again');
    const killedAt = Date.now();
    await pods.kill(leader);
    times.push(await acknowledgedAfter(observer, killedAt, `round ${round + 1}: a write acknowledged by a new leader`, pods.pods[leader].address));
    await pods.restart(leader);
  }
  await finish(pods, observer);
  const sorted = [...times].sort((a, b) => a - b);
  report('failover (kill to first acknowledged write)', {
    rounds,
    'min (ms)': sorted[0],
    'median (ms)': sorted[Math.floor(sorted.length / 2)],
    'max (ms)': sorted[sorted.length - 1],
    'floor: down-after (ms)': policy.failover.sentinel.downAfterMilliseconds,
    'acknowledged writes, all kept': observer.acknowledged.length,
  });
}, 600_000);
