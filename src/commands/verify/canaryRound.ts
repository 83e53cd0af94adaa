import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { errorMessage } from '../../wire/errorMessage.js';
import type { CanaryFacts, CanaryReadBack } from './replicationFacts.js';

export interface CanaryFollower {
  name: string;
  client: Redis;
}

const keyPrefix = 'redis-replication:verify:';
const pollIntervalMs = 25;
// Deleting is the plan; the expiry is for a verifier killed mid-round, so nothing stays behind for long.
const expiryMs = 10 * 60_000;

async function readBack(follower: CanaryFollower, key: string, value: string, writtenAt: number, maxLagMs: number): Promise<CanaryReadBack> {
  let error: string | undefined;
  for (;;) {
    try {
      if ((await follower.client.get(key)) === value) return { member: follower.name, afterMs: Date.now() - writtenAt };
      error = undefined;
    } catch (readError) {
      error = `GET failed: ${errorMessage(readError)}`;
    }
    if (Date.now() - writtenAt >= maxLagMs) return { member: follower.name, ...(error === undefined ? {} : { error }) };
    await sleep(pollIntervalMs);
  }
}

/**
 * Writes a fresh key to the leader, asks `WAIT` for every follower's acknowledgement, reads the key
 * back from each follower until `maxLagMs` after the write, and deletes it, also when WAIT failed.
 */
export async function canaryRound(leader: Redis, followers: readonly CanaryFollower[], maxLagMs: number): Promise<CanaryFacts> {
  const key = keyPrefix + randomUUID();
  const value = randomUUID();
  const writtenAt = Date.now();
  try {
    await leader.set(key, value, 'PX', expiryMs);
  } catch (error) {
    return { completed: false, error: `SET failed: ${errorMessage(error)}` };
  }
  let round: CanaryFacts;
  try {
    const acknowledgedBy = Number(await leader.call('WAIT', followers.length, maxLagMs));
    const readBacks = await Promise.all(followers.map((f) => readBack(f, key, value, writtenAt, maxLagMs)));
    round = { completed: true, maxLagMs, acknowledgedBy, readBack: readBacks };
  } catch (error) {
    round = { completed: false, error: `WAIT failed: ${errorMessage(error)}` };
  }
  const removeError = await leader.del(key).then(
    () => undefined,
    (error: unknown) => `DEL failed: ${errorMessage(error)}`,
  );
  return round.completed && removeError !== undefined ? { ...round, removeError } : round;
}
