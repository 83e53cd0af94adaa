import type { Member } from './member.js';

/** What one member said about itself, or why it said nothing. */
export type RedisAnswer =
  | { answered: false; error: string }
  | {
      answered: true;
      /** First element of `ROLE`: master, slave or sentinel. */
      role: string;
      /** From `ROLE` of a replica: the leader it was told to follow, as configured. */
      master?: { host: string; port: number };
      /** `INFO replication` fields; absent where Redis does not report them for the role. */
      linkStatus?: string;
      syncInProgress?: boolean;
      connectedReplicas?: number;
    };

export interface MemberFacts {
  member: Member;
  redis: RedisAnswer;
}

/** One follower's view of the canary key. */
export interface CanaryReadBack {
  member: string;
  /** Milliseconds from the write until the follower returned the value; absent when it never did within the bound. */
  afterMs?: number;
  /** The last error reading it, if reading failed rather than returning an old value. */
  error?: string;
}

/** The canary round: a key written to the leader, read from every follower, then deleted. It breaks off when the write or WAIT fails. */
export type CanaryFacts =
  | { completed: false; error: string }
  | {
      completed: true;
      maxLagMs: number;
      /** What `WAIT numreplicas timeout` returned: how many replicas acknowledged the write. */
      acknowledgedBy: number;
      readBack: CanaryReadBack[];
      /** Why deleting the key failed, if it did; it still expires on its own. */
      removeError?: string;
    };

/**
 * The group's data marker on the leader: `expected` is the value recorded by an earlier passing check
 * (none yet: this check may set one), `found` what the leader holds now, `written` when this check set it.
 */
export type MarkerFacts = { expected?: string; found?: string; written?: boolean } | { error: string };

/** What the Sentinel beside a member says: the master it knows (none: it knows no master of that name) and CKQUORUM's answer. */
export type SentinelFacts =
  | { member: string; master?: { host: string; port: number }; quorum: string; otherSentinels?: number; followers?: number }
  | { member: string; error: string };

/** Everything observed in one attempt; `canary` and `marker` are absent when they were not attempted. */
export interface ReplicationFacts {
  /** The leader first: pod 0, or with `anyLeader` the member that answered as master. */
  members: MemberFacts[];
  /** Any member may lead (Sentinel failover), so the leader is not pod 0 by rule. */
  anyLeader?: boolean;
  canary?: CanaryFacts;
  marker?: MarkerFacts;
  /** With Sentinel failover: every member's Sentinel, in the members' order. */
  sentinels?: SentinelFacts[];
}
