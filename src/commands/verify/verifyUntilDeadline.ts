import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckResult } from './checkResult.js';
import type { Member } from './member.js';
import { replicationOutcome, type ReplicationOutcome } from './replicationOutcome.js';
import { dataLost } from './evaluateReplication.js';
import type { SentinelTarget } from './sentinelRound.js';
import { verifyAttempt, type AttemptOptions } from './verifyAttempt.js';

export interface Verification {
  /** In the order checked: the leader first. */
  members: Member[];
  results: CheckResult[];
  outcome: ReplicationOutcome;
  /** The data marker the leader holds, when the last attempt got that far. */
  marker?: string;
}

/** The members to check, and the data marker an earlier passing check recorded for them, if any. */
export interface Discovery {
  members: Member[];
  expectedMarker?: string;
  /** Any member may lead (Sentinel failover). */
  anyLeader?: boolean;
  /** The group's Sentinels, checked beside Redis. */
  sentinel?: SentinelTarget;
}

export interface DeadlineOptions {
  timeoutMs: number;
  /** Told about each failed attempt that will be retried. */
  onRetry: (outcome: ReplicationOutcome) => void;
}

const firstDelayMs = 250;
const maxDelayMs = 2_000;
// A connection attempt may take no longer than this, nor more than the time left (but some time, always).
const maxConnectTimeoutMs = 3_000;
const minConnectTimeoutMs = 500;

/**
 * Discovers the members and checks them, again and again with a growing pause, until every check
 * passes or the time is up; the last attempt is the verdict. Discovery runs each time, since pods
 * come up and change IPs while we wait. Lost data is a verdict at once: waiting does not bring it back.
 */
export async function verifyUntilDeadline(
  discover: () => Promise<Discovery>,
  attemptOptions: Omit<AttemptOptions, 'connectTimeoutMs'>,
  options: DeadlineOptions,
): Promise<Verification> {
  const deadline = Date.now() + options.timeoutMs;
  let delayMs = firstDelayMs;
  for (;;) {
    const { members: discovered, expectedMarker, anyLeader, sentinel } = await discover();
    const connectTimeoutMs = Math.max(minConnectTimeoutMs, Math.min(maxConnectTimeoutMs, deadline - Date.now()));
    const { members, results, marker } = await verifyAttempt(
      discovered,
      { ...attemptOptions, connectTimeoutMs, ...(anyLeader ? { anyLeader } : {}), ...(sentinel ? { sentinel } : {}) },
      expectedMarker,
    );
    const outcome = replicationOutcome(results, members.length);
    const left = deadline - Date.now();
    if (outcome.result === 'passed' || left <= 0 || dataLost(results))
      return { members, results, outcome, ...(marker === undefined ? {} : { marker }) };
    options.onRetry(outcome);
    await sleep(Math.min(delayMs, left));
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  }
}
