import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { leaderHostEnv, portEnv } from '../../wire/replicationNames.js';
import { wiredEnv } from '../../core/rules/wiredInitContainer.js';
import { defaultPolicy } from '../../core/policy/defaultPolicy.js';
import type { Member } from './member.js';

export interface StatefulSetMemberOptions {
  namespace: string;
  clusterDomain: string;
  /** Overrides the port the webhook configured (REDIS_PORT of its init container). */
  port?: number;
}

/** A pod's stable DNS names through the governing Service, from the shortest to the fully qualified. */
function dnsNames(pod: string, service: string | undefined, namespace: string, clusterDomain: string): string[] {
  if (!service) return [];
  return [
    `${pod}.${service}`,
    `${pod}.${service}.${namespace}`,
    `${pod}.${service}.${namespace}.svc`,
    `${pod}.${service}.${namespace}.svc.${clusterDomain}`,
  ];
}

function isReady(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp === undefined && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The members a StatefulSet should have: one per ordinal up to spec.replicas, addressed by pod IP.
 * Pod 0 is also known by the leader host the webhook gave the followers (REDIS_LEADER_HOST), so a
 * follower configured by the webhook is recognised even under a cluster domain other than ours.
 */
export function statefulSetMembers(sts: V1StatefulSet, pods: readonly V1Pod[], options: StatefulSetMemberOptions): Member[] {
  const name = sts.metadata?.name ?? '';
  const configuredPort = Number(wiredEnv(sts, portEnv));
  const port = options.port ?? (Number.isInteger(configuredPort) && configuredPort > 0 ? configuredPort : defaultPolicy.port);
  const leaderHost = wiredEnv(sts, leaderHostEnv);
  return Array.from({ length: sts.spec?.replicas ?? 1 }, (_, ordinal): Member => {
    const podName = `${name}-${ordinal}`;
    const pod = pods.find((p) => p.metadata?.name === podName);
    const host = pod?.status?.podIP;
    const names = dnsNames(podName, sts.spec?.serviceName, options.namespace, options.clusterDomain);
    const aliases = ordinal === 0 && leaderHost !== undefined && !names.includes(leaderHost) ? [...names, leaderHost] : names;
    if (!pod) return { name: podName, port, aliases, absence: `pod ${podName} does not exist` };
    const member: Member = { name: podName, port, aliases, podReady: isReady(pod) };
    return host ? { ...member, host } : { ...member, absence: `pod ${podName} has no IP yet (phase ${pod.status?.phase ?? 'unknown'})` };
  });
}
