import { canaryRound } from './canaryRound.js';
import type { CheckResult } from './checkResult.js';
import { evaluateReplication } from './evaluateReplication.js';
import type { Member } from './member.js';
import { connectMember, readRedisAnswer, type ConnectionOptions, type MemberConnection } from './memberConnection.js';

export interface AttemptOptions extends ConnectionOptions {
  maxLagMs: number;
}

/** Every connection that was opened, or the first rejection once all have settled, so none is left open. */
async function connectAll(members: readonly Member[], options: ConnectionOptions): Promise<MemberConnection[]> {
  const settled = await Promise.allSettled(members.map((m) => connectMember(m, options)));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!rejected) return settled.map((s) => (s as PromiseFulfilledResult<MemberConnection>).value);
  for (const s of settled) if (s.status === 'fulfilled' && 'client' in s.value) s.value.client.disconnect();
  throw rejected.reason;
}

/**
 * One look at the group: read every member, and only when nothing is wrong so far run the canary round,
 * which writes to pod 0 (a write to a pod 0 that is not the master would only fail with READONLY).
 * Rejects only when the verifier's credentials do not fit; everything else is a fact.
 */
export async function verifyAttempt(members: readonly Member[], options: AttemptOptions): Promise<CheckResult[]> {
  const connections = await connectAll(members, options);
  try {
    const answers = await Promise.all(members.map((member, i) => readRedisAnswer(member, connections[i])));
    const memberFacts = members.map((member, i) => ({ member, redis: answers[i] }));
    const structure = evaluateReplication({ members: memberFacts });
    const clients = connections.flatMap((c) => ('client' in c ? [c.client] : []));
    const [leader, ...followers] = clients;
    // When nothing failed every member answered, so each has a client; the length test only tells TypeScript.
    if (structure.some((r) => r.status === 'failed') || !leader || clients.length !== members.length) return structure;
    const canaryFollowers = followers.map((client, i) => ({ name: members[i + 1].name, client }));
    return evaluateReplication({ members: memberFacts, canary: await canaryRound(leader, canaryFollowers, options.maxLagMs) });
  } finally {
    for (const c of connections) if ('client' in c) c.client.disconnect();
  }
}
