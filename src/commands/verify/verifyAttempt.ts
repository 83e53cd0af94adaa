import { canaryRound } from './canaryRound.js';
import { markData } from './dataMarker.js';
import type { CheckResult } from './checkResult.js';
import { evaluateReplication } from './evaluateReplication.js';
import { leaderFirst } from './leaderFirst.js';
import { sentinelRound, type SentinelTarget } from './sentinelRound.js';
import type { Member } from './member.js';
import { connectMember, readRedisAnswer, type ConnectionOptions, type MemberConnection } from './memberConnection.js';

export interface AttemptOptions extends ConnectionOptions {
  maxLagMs: number;
  /** Whichever member is master leads (Sentinel failover); otherwise the first member, pod 0, must. */
  anyLeader?: boolean;
  /** The group's Sentinels, to check beside Redis. */
  sentinel?: SentinelTarget;
}

/** Every connection that was opened, or the first rejection once all have settled, so none is left open. */
async function connectAll(members: readonly Member[], options: ConnectionOptions): Promise<MemberConnection[]> {
  const settled = await Promise.allSettled(members.map((m) => connectMember(m, options)));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!rejected) return settled.map((s) => (s as PromiseFulfilledResult<MemberConnection>).value);
  for (const s of settled) if (s.status === 'fulfilled' && 'client' in s.value) s.value.client.disconnect();
  throw rejected.reason;
}

/** One attempt's verdict, the members in the order checked (the leader first), and the data marker the leader holds, when the checks got that far. */
export interface Attempt {
  members: Member[];
  results: CheckResult[];
  marker?: string;
}

/**
 * One look at the group: read every member, and only when nothing is wrong so far run the canary round,
 * which writes to the leader (a write to a member that is not the master would only fail with READONLY), then
 * look for the data marker (`expectedMarker`: the one recorded by an earlier passing check).
 * Rejects only when the verifier's credentials do not fit; everything else is a fact.
 */
export async function verifyAttempt(discovered: readonly Member[], options: AttemptOptions, expectedMarker?: string): Promise<Attempt> {
  const opened = await connectAll(discovered, options);
  try {
    const read = await Promise.all(discovered.map((member, i) => readRedisAnswer(member, opened[i])));
    const order = options.anyLeader ? leaderFirst(read) : read.map((_, i) => i);
    const members = order.map((i) => discovered[i]);
    const connections = order.map((i) => opened[i]);
    const answers = order.map((i) => read[i]);
    const memberFacts = members.map((member, i) => ({ member, redis: answers[i] }));
    const anyLeader = options.anyLeader === true;
    const sentinels = options.sentinel ? await sentinelRound(members, options.sentinel, options) : undefined;
    const observed = { members: memberFacts, anyLeader, ...(sentinels ? { sentinels } : {}) };
    const structure = evaluateReplication(observed);
    const clients = connections.flatMap((c) => ('client' in c ? [c.client] : []));
    const [leader, ...followers] = clients;
    // When nothing failed every member answered, so each has a client; the length test only tells TypeScript.
    if (structure.some((r) => r.status === 'failed') || !leader || clients.length !== members.length) return { members, results: structure };
    const canaryFollowers = followers.map((client, i) => ({ name: members[i + 1].name, client }));
    const canary = await canaryRound(leader, canaryFollowers, options.maxLagMs);
    const marker = canary.completed ? await markData(leader, expectedMarker, new Date()) : undefined;
    const results = evaluateReplication({ ...observed, canary, ...(marker ? { marker } : {}) });
    return { members, results, ...(marker && 'found' in marker && marker.found !== undefined ? { marker: marker.found } : {}) };
  } finally {
    for (const c of opened) if ('client' in c) c.client.disconnect();
  }
}
