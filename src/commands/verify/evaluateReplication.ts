import type { CheckName, CheckResult } from './checkResult.js';
import { memberAddress, type Member } from './member.js';
import type { CanaryFacts, MarkerFacts, MemberFacts, RedisAnswer, ReplicationFacts, SentinelFacts } from './replicationFacts.js';

type Answer = Extract<RedisAnswer, { answered: true }>;

/**
 * The verdict on one attempt's facts, check by check, with no I/O. The leader (pod 0, or with Sentinel
 * the one master) must be the master, counting every other member as a connected replica; every other
 * member must replicate from it with its
 * link up and its initial sync done; a canary written to the leader must reach every follower.
 * A member that does not answer gets only its `reachable` failure: what it would have said is not guessed.
 */
export function evaluateReplication(facts: ReplicationFacts): CheckResult[] {
  const [leader, ...followers] = facts.members;
  if (!leader) return [];
  return [
    ...memberChecks(leader, (answer) => leaderChecks(leader.member, answer, followers.length, facts.anyLeader === true)),
    ...followers.flatMap((follower) => memberChecks(follower, (answer) => followerChecks(follower.member, answer, leader.member))),
    ...(facts.sentinels ?? []).flatMap((sentinel) => sentinelChecks(sentinel, facts.members, leader.member)),
    ...canaryChecks(facts.canary, leader.member, followers.length),
    ...markerChecks(facts.marker, leader.member),
  ];
}

function result(check: CheckName, member: Member, passed: boolean, expected: string, found: string): CheckResult {
  return { check, member: member.name, status: passed ? 'passed' : 'failed', expected, found };
}

function memberChecks({ member, redis }: MemberFacts, answeredChecks: (answer: Answer) => CheckResult[]): CheckResult[] {
  const expected = `a Redis server answering at ${memberAddress(member)}`;
  const reachable = redis.answered
    ? result('reachable', member, true, expected, 'it answers')
    : result('reachable', member, false, expected, redis.error);
  const ready =
    member.podReady === undefined ? [] : [result('pod-ready', member, member.podReady, 'the pod Ready', member.podReady ? 'Ready' : 'not Ready')];
  return [reachable, ...ready, ...(redis.answered ? answeredChecks(redis) : [])];
}

function describeRole(answer: Answer): string {
  if (answer.role === 'slave') return answer.master ? `replica of ${answer.master.host}:${answer.master.port}` : 'replica';
  return answer.role;
}

function leaderChecks(leader: Member, answer: Answer, followerCount: number, anyLeader: boolean): CheckResult[] {
  const isMaster = answer.role === 'master';
  const rule = anyLeader ? 'any one member leads, with Sentinel failover' : 'pod 0 is the leader';
  const role = result('leader-role', leader, isMaster, `role master (${rule})`, `role ${describeRole(answer)}`);
  if (!isMaster) return [role];
  const replicas = answer.connectedReplicas;
  return [
    role,
    result('leader-replicas', leader, replicas === followerCount, `connected_slaves:${followerCount}`, `connected_slaves:${replicas ?? '(absent)'}`),
  ];
}

/** The names a follower may use for the leader: its address and every alias, compared as DNS compares them. */
function leaderNames(leader: Member): string[] {
  return [...(leader.host === undefined ? [] : [leader.host]), ...leader.aliases];
}

const normalized = (host: string) => host.toLowerCase().replace(/\.$/, '');

function followerChecks(follower: Member, answer: Answer, leader: Member): CheckResult[] {
  const names = leaderNames(leader);
  const leaderDescription = `${leader.name} (${names.join(' or ')}) port ${leader.port}`;
  if (answer.role !== 'slave' || !answer.master) {
    return [result('follower-role', follower, false, `role replica of ${leaderDescription}`, `role ${describeRole(answer)}`)];
  }
  const { master } = answer;
  const follows = master.port === leader.port && names.map(normalized).includes(normalized(master.host));
  return [
    result('follower-role', follower, true, 'role replica', 'role replica'),
    result('follows-leader', follower, follows, `master ${leaderDescription}`, `master ${master.host}:${master.port}`),
    result('link-up', follower, answer.linkStatus === 'up', 'master_link_status:up', `master_link_status:${answer.linkStatus ?? '(absent)'}`),
    result(
      'sync-finished',
      follower,
      answer.syncInProgress === false,
      'master_sync_in_progress:0',
      `master_sync_in_progress:${answer.syncInProgress === undefined ? '(absent)' : Number(answer.syncInProgress)}`,
    ),
  ];
}

/**
 * The Sentinel beside a member must name the leader, and must see enough Sentinels to agree on a failure
 * and to authorize a failover (CKQUORUM). One it cannot ask is a failure of both: the group then fails over
 * with one Sentinel fewer.
 */
function sentinelChecks(sentinel: SentinelFacts, members: readonly MemberFacts[], leader: Member): CheckResult[] {
  const member = members.find((m) => m.member.name === sentinel.member)?.member;
  if (!member) return [];
  const names = leaderNames(leader);
  const expected = `its Sentinel naming ${leader.name} (${names.join(' or ')}) port ${leader.port}`;
  if ('error' in sentinel) return [result('sentinel-names-leader', member, false, expected, `the Sentinel not asked: ${sentinel.error}`)];
  const { master } = sentinel;
  const namesLeader = master !== undefined && master.port === leader.port && names.map(normalized).includes(normalized(master.host));
  return [
    result('sentinel-names-leader', member, namesLeader, expected, master ? `${master.host}:${master.port}` : 'no master of that name'),
    result('sentinel-quorum', member, sentinel.quorum.startsWith('OK'), 'SENTINEL CKQUORUM: OK', sentinel.quorum),
    ...sentinelTally('sentinel-count', member, sentinel.otherSentinels, members.length, {
      expected: 'other Sentinels, one per other member',
      stale: `it still counts Sentinels of members removed by a scale down: ${reset}, waiting until it counts the others again`,
    }),
    ...sentinelTally('sentinel-followers', member, sentinel.followers, members.length, {
      expected: 'followers known to it, the ones it could promote',
      stale: `it still counts followers removed by a scale down: ${reset}`,
    }),
  ];
}

const reset = "send SENTINEL RESET <master> to each member's Sentinel, one at a time";

/**
 * One of a kind per other member, as a Sentinel counts them (none when it did not say). It counts every
 * Sentinel and follower it ever heard of: after a scale down the removed ones still count (a failover then
 * needs a majority of the old size), and `stale` says what to do. It learns followers from the leader's
 * INFO every 10 s: until it knows one, a failover has none to promote.
 */
function sentinelTally(
  check: CheckName,
  member: Member,
  known: number | undefined,
  members: number,
  text: { expected: string; stale: string },
): CheckResult[] {
  if (known === undefined) return [];
  const found = known > members - 1 ? `${known} (${text.stale})` : String(known);
  return [result(check, member, known === members - 1, `${members - 1} ${text.expected}`, found)];
}

function canaryChecks(canary: CanaryFacts | undefined, leader: Member, followerCount: number): CheckResult[] {
  if (!canary) {
    return [
      {
        check: 'canary-replicated',
        member: leader.name,
        status: 'skipped',
        expected: `a canary key written to ${leader.name} and read back from every follower`,
        found: 'not attempted while the checks above fail',
      },
    ];
  }
  if (!canary.completed)
    return [result('canary-acknowledged', leader, false, 'the canary key written and acknowledged', `the round broke off: ${canary.error}`)];
  const { maxLagMs, acknowledgedBy } = canary;
  return [
    result(
      'canary-acknowledged',
      leader,
      acknowledgedBy >= followerCount,
      `WAIT ${followerCount} ${maxLagMs}: ${followerCount} replicas acknowledging the canary write`,
      `${acknowledgedBy} acknowledged`,
    ),
    ...canary.readBack.map(({ member, afterMs, error }): CheckResult => ({
      check: 'canary-replicated',
      member,
      status: afterMs === undefined ? 'failed' : 'passed',
      expected: `the canary value readable within ${maxLagMs} ms of the write`,
      found: afterMs !== undefined ? `read back after ${afterMs} ms` : (error ?? `not read back within ${maxLagMs} ms`),
    })),
    result('canary-removed', leader, canary.removeError === undefined, 'the canary key deleted', canary.removeError ?? 'deleted'),
  ];
}

/** Whether the data marker check failed: a verdict that waiting does not change (the data is gone). */
export function dataLost(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.check === 'data-kept' && r.status === 'failed');
}

function markerChecks(marker: MarkerFacts | undefined, leader: Member): CheckResult[] {
  if (!marker) return [];
  if ('error' in marker) return [result('data-kept', leader, false, 'the data marker read from the leader', `reading it failed: ${marker.error}`)];
  const { expected, found, written } = marker;
  if (expected === undefined) {
    const what = written
      ? `none; marked now: ${found ?? ''}`
      : `${found ?? 'none'} (set before, not recorded: with --statefulset it is kept on the StatefulSet)`;
    return [result('data-kept', leader, found !== undefined, 'a data marker on the leader', what)];
  }
  return [
    result(
      'data-kept',
      leader,
      found === expected,
      `the data marker the first passing check wrote (${expected})`,
      found === expected
        ? 'it is there'
        : found === undefined
          ? "none: the group's data is gone (a leader restarted empty, and its followers resynced from it?)"
          : `another one, ${found}: the data was replaced since (restored from elsewhere, or wiped and marked again)`,
    ),
  ];
}
