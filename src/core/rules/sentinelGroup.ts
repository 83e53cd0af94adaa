import type { V1StatefulSet } from '@kubernetes/client-node';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { configDir, sentinelConfigFileName } from '../../wire/replicationNames.js';
import type { RedisSetup } from './redisSetup.js';

/**
 * What a group with `failover.mode: sentinel` runs with, worked out from the StatefulSet as it is when
 * its template is mutated. A scale alone does not mutate the template (it would roll every pod), so
 * members, quorum and the writes' majority keep the values of the last template change; the README
 * says what that means for `kubectl scale`.
 */
export interface SentinelGroup {
  /** Sentinel's name for the group's master: the StatefulSet's name. */
  masterName: string;
  members: number;
  /** Sentinels that must agree the master is down; the failover itself still needs a majority of them. */
  quorum: number;
  /**
   * Followers in sync a leader needs to accept a write: with itself, a majority of the members. Two
   * leaders (an old one back before it was told) can then never both accept writes.
   */
  minReplicasToWrite: number;
  port: number;
  /** On the data volume when there is one, so a member restarted with the whole group still knows the last master. */
  configFile: string;
  /** sentinel.conf lines after `sentinel monitor`, which the init script writes itself. */
  settings: string;
}

export function sentinelGroup(sts: V1StatefulSet, policy: EffectivePolicy, setup: RedisSetup): SentinelGroup | undefined {
  if (policy.failover.mode !== 'sentinel') return undefined;
  const masterName = sts.metadata?.name ?? '';
  const replicas = sts.spec?.replicas;
  const members = typeof replicas === 'number' && Number.isInteger(replicas) && replicas > 0 ? replicas : 1;
  const majority = Math.floor(members / 2) + 1;
  const { downAfterMilliseconds, failoverTimeoutMilliseconds, quorum, port } = policy.failover.sentinel;
  return {
    masterName,
    members,
    quorum: quorum ?? majority,
    minReplicasToWrite: Math.max(1, majority - 1),
    port,
    configFile: `${setup.dataClaim === undefined ? configDir : setup.dataDir.replace(/\/$/, '')}/${sentinelConfigFileName}`,
    settings: [
      `sentinel down-after-milliseconds ${masterName} ${downAfterMilliseconds}`,
      `sentinel failover-timeout ${masterName} ${failoverTimeoutMilliseconds}`,
      // One follower at a time resyncs from a new leader; the others keep serving reads.
      `sentinel parallel-syncs ${masterName} 1`,
    ].join('\n'),
  };
}
