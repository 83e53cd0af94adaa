import { describeCheck, type CheckResult } from './checkResult.js';
import { evaluateReplication } from './evaluateReplication.js';
import { leaderFirst } from './leaderFirst.js';
import type { Member } from './member.js';
import { parseInfo, redisAnswer } from './redisAnswer.js';
import type { CanaryFacts, MemberFacts, RedisAnswer, ReplicationFacts } from './replicationFacts.js';
import { replicationOutcome } from './replicationOutcome.js';

// The pure core: facts in, named check results out. No Redis here; see the other files for that.

const dnsName = 'cache-0.cache-headless.default.svc.cluster.local';
const member = (ordinal: number, extra: Partial<Member> = {}): Member => ({
  name: `cache-${ordinal}`,
  host: `10.0.0.${ordinal + 10}`,
  port: 6379,
  aliases: ordinal === 0 ? [dnsName] : [],
  ...extra,
});
const leaderAnswer: RedisAnswer = { answered: true, role: 'master', connectedReplicas: 2 };
const followerAnswer: RedisAnswer = { answered: true, role: 'slave', master: { host: dnsName, port: 6379 }, linkStatus: 'up', syncInProgress: false };
const canary: CanaryFacts = {
  completed: true,
  maxLagMs: 5000,
  acknowledgedBy: 2,
  readBack: [
    { member: 'cache-1', afterMs: 3 },
    { member: 'cache-2', afterMs: 4 },
  ],
};

function healthy(): ReplicationFacts {
  return {
    members: [
      { member: member(0), redis: leaderAnswer },
      { member: member(1), redis: followerAnswer },
      { member: member(2), redis: followerAnswer },
    ],
    canary,
  };
}

function withMember(facts: ReplicationFacts, ordinal: number, change: Partial<MemberFacts>): ReplicationFacts {
  const members = facts.members.map((m, i) => (i === ordinal ? { ...m, ...change } : m));
  return { ...facts, members };
}

const unmet = (results: CheckResult[]) => results.filter((r) => r.status !== 'passed');

describe('evaluateReplication', () => {
  test('a healthy group passes every check, each named and about one member', () => {
    const results = evaluateReplication(healthy());
    expect(unmet(results)).toEqual([]);
    expect(results.map((r) => `${r.member} ${r.check}`)).toEqual([
      'cache-0 reachable',
      'cache-0 leader-role',
      'cache-0 leader-replicas',
      ...[1, 2].flatMap((i) => ['reachable', 'follower-role', 'follows-leader', 'link-up', 'sync-finished'].map((c) => `cache-${i} ${c}`)),
      'cache-0 canary-acknowledged',
      'cache-1 canary-replicated',
      'cache-2 canary-replicated',
      'cache-0 canary-removed',
    ]);
  });

  test('pod 0 answering as a replica fails leader-role, saying what it follows', () => {
    const facts = withMember(healthy(), 0, { redis: { answered: true, role: 'slave', master: { host: '10.0.0.99', port: 6379 }, linkStatus: 'up' } });
    const failed = unmet(evaluateReplication(facts));
    expect(failed.map(describeCheck)).toEqual([
      'cache-0 leader-role: expected role master (pod 0 is the leader); found role replica of 10.0.0.99:6379',
    ]);
  });

  test('a follower of another server fails follows-leader, naming every name pod 0 goes by', () => {
    const facts = withMember(healthy(), 2, { redis: { ...followerAnswer, master: { host: '10.0.0.11', port: 6379 } } });
    expect(unmet(evaluateReplication(facts)).map(describeCheck)).toEqual([
      `cache-2 follows-leader: expected master cache-0 (10.0.0.10 or ${dnsName}) port 6379; found master 10.0.0.11:6379`,
    ]);
  });

  test('pod 0 is recognised by address or any alias, in any case and with a trailing dot, but only on its port', () => {
    for (const host of ['10.0.0.10', dnsName, `${dnsName.toUpperCase()}.`]) {
      expect(unmet(evaluateReplication(withMember(healthy(), 1, { redis: { ...followerAnswer, master: { host, port: 6379 } } })))).toEqual([]);
    }
    const otherPort = withMember(healthy(), 1, { redis: { ...followerAnswer, master: { host: dnsName, port: 6380 } } });
    expect(unmet(evaluateReplication(otherPort)).map((r) => r.check)).toEqual(['follows-leader']);
  });

  test('a link that is down and a sync in progress are reported separately', () => {
    const facts = withMember(healthy(), 1, { redis: { ...followerAnswer, linkStatus: 'down', syncInProgress: true } });
    expect(unmet(evaluateReplication(facts)).map(describeCheck)).toEqual([
      'cache-1 link-up: expected master_link_status:up; found master_link_status:down',
      'cache-1 sync-finished: expected master_sync_in_progress:0; found master_sync_in_progress:1',
    ]);
  });

  test('a follower that is a master fails follower-role, and nothing about its link is guessed', () => {
    const facts = withMember(healthy(), 1, { redis: { answered: true, role: 'master', connectedReplicas: 0 } });
    expect(unmet(evaluateReplication(facts)).map(describeCheck)).toEqual([
      `cache-1 follower-role: expected role replica of cache-0 (10.0.0.10 or ${dnsName}) port 6379; found role master`,
    ]);
  });

  test('an unreachable member fails reachable only; the leader counts one replica fewer', () => {
    const facts = withMember(healthy(), 2, { redis: { answered: false, error: 'connect ECONNREFUSED 10.0.0.12:6379' } });
    const leaderFacts = withMember(facts, 0, { redis: { ...leaderAnswer, connectedReplicas: 1 } });
    const results = evaluateReplication({ members: leaderFacts.members });
    expect(results.filter((r) => r.member === 'cache-2').map((r) => r.check)).toEqual(['reachable']);
    expect(unmet(results).map(describeCheck)).toEqual([
      'cache-0 leader-replicas: expected connected_slaves:2; found connected_slaves:1',
      'cache-2 reachable: expected a Redis server answering at 10.0.0.12:6379; found connect ECONNREFUSED 10.0.0.12:6379',
      'cache-0 canary-replicated: expected a canary key written to cache-0 and read back from every follower; found not attempted while the checks above fail',
    ]);
  });

  test('a pod without an address says why', () => {
    const facts = withMember(healthy(), 1, {
      member: member(1, { host: undefined, absence: 'pod cache-1 does not exist' }),
      redis: { answered: false, error: 'pod cache-1 does not exist' },
    });
    expect(unmet(evaluateReplication(facts)).map(describeCheck)).toContain(
      'cache-1 reachable: expected a Redis server answering at (no address):6379; found pod cache-1 does not exist',
    );
  });

  test('pod readiness is a check only when it is known (Kubernetes discovery)', () => {
    expect(evaluateReplication(healthy()).some((r) => r.check === 'pod-ready')).toBe(false);
    const facts = withMember(healthy(), 1, { member: member(1, { podReady: false }) });
    expect(unmet(evaluateReplication(facts)).map(describeCheck)).toEqual(['cache-1 pod-ready: expected the pod Ready; found not Ready']);
  });

  test('a canary that did not reach a follower in time, or was not removed, fails', () => {
    const slow: CanaryFacts = {
      ...canary,
      acknowledgedBy: 1,
      readBack: [{ member: 'cache-1', afterMs: 2 }, { member: 'cache-2' }],
      removeError: 'DEL failed: READONLY',
    };
    expect(unmet(evaluateReplication({ ...healthy(), canary: slow })).map(describeCheck)).toEqual([
      'cache-0 canary-acknowledged: expected WAIT 2 5000: 2 replicas acknowledging the canary write; found 1 acknowledged',
      'cache-2 canary-replicated: expected the canary value readable within 5000 ms of the write; found not read back within 5000 ms',
      'cache-0 canary-removed: expected the canary key deleted; found DEL failed: READONLY',
    ]);
  });

  test('a canary round that broke off fails on the leader', () => {
    const results = evaluateReplication({ ...healthy(), canary: { completed: false, error: 'SET failed: READONLY' } });
    expect(unmet(results).map(describeCheck)).toEqual([
      'cache-0 canary-acknowledged: expected the canary key written and acknowledged; found the round broke off: SET failed: READONLY',
    ]);
  });

  test('a single member is a leader with no replicas', () => {
    const results = evaluateReplication({
      members: [{ member: member(0), redis: { ...leaderAnswer, connectedReplicas: 0 } }],
      canary: { ...canary, acknowledgedBy: 0, readBack: [] },
    });
    expect(unmet(results)).toEqual([]);
  });
});

describe('replicationOutcome', () => {
  test('passes only when every check passed', () => {
    expect(replicationOutcome(evaluateReplication(healthy()), 3)).toEqual({ result: 'passed', summary: 'all 17 checks passed on 3 members' });
    expect(replicationOutcome([], 0)).toEqual({ result: 'failed', summary: 'no members to check' });
  });

  test('a skipped check alone is not a pass', () => {
    const { canary: _dropped, ...structure } = healthy();
    const outcome = replicationOutcome(evaluateReplication(structure), 3);
    expect(outcome.result).toBe('failed');
    expect(outcome.summary).toMatch(/^0 of 14 checks failed: cache-0 canary-replicated: .*not attempted/);
  });

  test('the summary lists every failure', () => {
    const facts = withMember(withMember(healthy(), 1, { redis: { ...followerAnswer, linkStatus: 'down' } }), 2, {
      redis: { answered: false, error: 'timeout' },
    });
    expect(replicationOutcome(evaluateReplication(facts), 3).summary).toBe(
      '2 of 13 checks failed: cache-1 link-up: expected master_link_status:up; found master_link_status:down; cache-2 reachable: expected a Redis server answering at 10.0.0.12:6379; found timeout',
    );
  });
});

describe('redisAnswer', () => {
  const info = (fields: string) => `# Replication\r\n${fields.split(' ').join('\r\n')}\r\n`;

  test('reads a master from ROLE and INFO replication', () => {
    const answer = redisAnswer(
      ['master', 1234, [['10.0.0.11', '6379', '1234']]],
      info('role:master connected_slaves:1 master_failover_state:no-failover'),
    );
    expect(answer).toEqual({ answered: true, role: 'master', connectedReplicas: 1 });
  });

  test('reads a replica, keeping the leader host exactly as configured', () => {
    const answer = redisAnswer(
      ['slave', dnsName, 6379, 'connected', 1234],
      info(`role:slave master_host:${dnsName} master_port:6379 master_link_status:up master_sync_in_progress:0`),
    );
    expect(answer).toEqual({ answered: true, role: 'slave', master: { host: dnsName, port: 6379 }, linkStatus: 'up', syncInProgress: false });
  });

  test('an unexpected ROLE reply is not an answer', () => {
    expect(redisAnswer('OK', '')).toEqual({ answered: false, error: 'ROLE: expected an array starting with the role; found "OK"' });
  });

  test('parseInfo keeps values with colons and skips headers', () => {
    expect(parseInfo('# Server\r\nexecutable:/usr/bin/redis-server\r\nconfig_file:C:\\redis.conf\r\n\r\n')).toEqual(
      new Map([
        ['executable', '/usr/bin/redis-server'],
        ['config_file', 'C:\\redis.conf'],
      ]),
    );
  });
});

describe('the data marker (data-kept)', () => {
  const kept = (marker: ReplicationFacts['marker']) => evaluateReplication({ ...healthy(), marker }).filter((r) => r.check === 'data-kept');

  test('none is checked before the canary completed', () => {
    expect(kept(undefined)).toEqual([]);
  });

  test('the recorded marker on the leader passes', () => {
    expect(kept({ expected: 'm1 2026-01-01T00:00:00.000Z', found: 'm1 2026-01-01T00:00:00.000Z' })).toMatchObject([
      { member: 'cache-0', status: 'passed' },
    ]);
  });

  test('a recorded marker gone from the leader fails: the data is gone', () => {
    const [result] = kept({ expected: 'm1 2026-01-01T00:00:00.000Z' });
    expect(describeCheck(result)).toBe(
      "cache-0 data-kept: expected the data marker the first passing check wrote (m1 2026-01-01T00:00:00.000Z); found none: the group's data is gone (a leader restarted empty, and its followers resynced from it?)",
    );
    expect(result.status).toBe('failed');
  });

  test('another marker than the recorded one fails: the data was replaced', () => {
    const [result] = kept({ expected: 'm1', found: 'm2' });
    expect(result).toMatchObject({
      status: 'failed',
      found: 'another one, m2: the data was replaced since (restored from elsewhere, or wiped and marked again)',
    });
  });

  test('with none recorded, a marker set now or found passes; reading it failing fails', () => {
    expect(kept({ found: 'm3', written: true })).toMatchObject([{ status: 'passed', found: 'none; marked now: m3' }]);
    expect(kept({ found: 'm3' })).toMatchObject([{ status: 'passed' }]);
    expect(kept({ error: 'Connection is closed.' })).toMatchObject([{ status: 'failed', found: 'reading it failed: Connection is closed.' }]);
  });
});

describe('with Sentinel failover any one member may lead', () => {
  const answers: RedisAnswer[] = [
    { answered: true, role: 'slave', master: { host: '10.0.0.12', port: 6379 }, linkStatus: 'up', syncInProgress: false },
    { answered: true, role: 'slave', master: { host: '10.0.0.12', port: 6379 }, linkStatus: 'up', syncInProgress: false },
    leaderAnswer,
  ];

  test('leaderFirst puts the one master first, and keeps the order with none or two', () => {
    expect(leaderFirst(answers)).toEqual([2, 0, 1]);
    expect(leaderFirst([followerAnswer, followerAnswer])).toEqual([0, 1]);
    expect(leaderFirst([leaderAnswer, followerAnswer, leaderAnswer])).toEqual([0, 1, 2]);
    expect(leaderFirst([{ answered: false, error: 'refused' }, leaderAnswer])).toEqual([1, 0]);
  });

  test('the leader-role check names the rule it applied', () => {
    const order = leaderFirst(answers);
    const facts: ReplicationFacts = { members: order.map((i) => ({ member: member(i), redis: answers[i] })), anyLeader: true };
    const results = evaluateReplication(facts);
    expect(results.find((r) => r.check === 'leader-role')).toMatchObject({
      member: 'cache-2',
      status: 'passed',
      expected: 'role master (any one member leads, with Sentinel failover)',
    });
    expect(results.filter((r) => r.status === 'failed')).toEqual([]);
    // Two masters: the second one fails as a follower, whichever way round.
    const split = evaluateReplication({
      members: [0, 1, 2].map((i) => ({ member: member(i), redis: i === 1 ? followerAnswer : leaderAnswer })),
      anyLeader: true,
    });
    expect(split.find((r) => r.check === 'follower-role' && r.member === 'cache-2')).toMatchObject({ status: 'failed', found: 'role master' });
  });
});

test('with Sentinels: each must name the leader and pass CKQUORUM; one that cannot be asked fails', () => {
  const facts: ReplicationFacts = {
    ...healthy(),
    sentinels: [
      { member: 'cache-0', master: { host: dnsName, port: 6379 }, quorum: 'OK 3 usable Sentinels. Quorum and failover authorization can be reached' },
      { member: 'cache-1', master: { host: 'cache-1.cache-headless.default.svc.cluster.local', port: 6379 }, quorum: 'NOQUORUM 1 usable Sentinels' },
      { member: 'cache-2', error: 'connect ECONNREFUSED' },
    ],
  };
  const failed = evaluateReplication(facts)
    .filter((r) => r.status === 'failed')
    .map(describeCheck);
  expect(failed).toEqual([
    `cache-1 sentinel-names-leader: expected its Sentinel naming cache-0 (10.0.0.10 or ${dnsName}) port 6379; found cache-1.cache-headless.default.svc.cluster.local:6379`,
    'cache-1 sentinel-quorum: expected SENTINEL CKQUORUM: OK; found NOQUORUM 1 usable Sentinels',
    `cache-2 sentinel-names-leader: expected its Sentinel naming cache-0 (10.0.0.10 or ${dnsName}) port 6379; found the Sentinel not asked: connect ECONNREFUSED`,
  ]);
});

test('with Sentinels: each must count one other Sentinel and one follower per other member; more names the reset', () => {
  const ok = 'OK 3 usable Sentinels. Quorum and failover authorization can be reached';
  const sentinel = (member: string, otherSentinels: number, followers: number) => ({
    member,
    master: { host: dnsName, port: 6379 },
    quorum: ok,
    otherSentinels,
    followers,
  });
  const failed = evaluateReplication({ ...healthy(), sentinels: [sentinel('cache-0', 2, 2), sentinel('cache-1', 2, 1), sentinel('cache-2', 3, 3)] })
    .filter((r) => r.status === 'failed')
    .map(describeCheck);
  expect(failed).toEqual([
    'cache-1 sentinel-followers: expected 2 followers known to it, the ones it could promote; found 1',
    "cache-2 sentinel-count: expected 2 other Sentinels, one per other member; found 3 (it still counts Sentinels of members removed by a scale down: send SENTINEL RESET <master> to each member's Sentinel, one at a time, waiting until it counts the others again)",
    "cache-2 sentinel-followers: expected 2 followers known to it, the ones it could promote; found 3 (it still counts followers removed by a scale down: send SENTINEL RESET <master> to each member's Sentinel, one at a time)",
  ]);
});
