import type { CoreV1Event, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { CheckName, CheckResult } from './checkResult.js';
import type { Member } from './member.js';
import type { ReplicationOutcome } from './replicationOutcome.js';

// Names the promotion check writes into the cluster. A Service selects the leader by the role label,
// so changing either breaks what users built on them.
import { dataMarkerAnnotation, roleLabel, verifiedAnnotation } from '../../wire/replicationNames.js';
const eventReasons = { passed: 'ReplicationVerified', failed: 'ReplicationBroken' } as const;
const component = 'redis-replication-verify';
// The API server's limit on an event message.
const eventMessageLimit = 1024;

export type VerifiedRole = 'leader' | 'follower';

/** A merge patch body: `null` removes the key; a `uid` the object no longer has makes the API server refuse it. */
export interface MetadataPatch {
  metadata: { uid?: string; labels?: Record<string, string | null>; annotations?: Record<string, string> };
}

function passed(results: readonly CheckResult[], member: string, check: CheckName): boolean {
  return results.some((r) => r.member === member && r.check === check && r.status === 'passed');
}

/**
 * The role each member was verified in: pod 0 a leader when it answered as master, any other member a
 * follower when it replicates from pod 0. Undefined when unverified, so the label comes off and a
 * Service selecting the leader stops sending traffic to a pod that is not it.
 */
function verifiedRole(members: readonly Member[], results: readonly CheckResult[], member: Member): VerifiedRole | undefined {
  if (members[0] === member) return passed(results, member.name, 'leader-role') ? 'leader' : undefined;
  return passed(results, member.name, 'follower-role') && passed(results, member.name, 'follows-leader') ? 'follower' : undefined;
}

/**
 * Label patches for the pods whose role label differs from what was verified, by pod name. Each carries
 * the uid of the pod that was verified: a pod deleted and recreated under the same name since then is
 * another pod, and the API server refuses to label it with a role nobody checked.
 */
export function roleLabelPatches(members: readonly Member[], pods: readonly V1Pod[], results: readonly CheckResult[]): Map<string, MetadataPatch> {
  const patches = new Map<string, MetadataPatch>();
  for (const member of members) {
    const pod = pods.find((p) => p.metadata?.name === member.name);
    if (!pod) continue;
    const role = verifiedRole(members, results, member);
    if (pod.metadata?.labels?.[roleLabel] !== role)
      patches.set(member.name, { metadata: { uid: pod.metadata?.uid, labels: { [roleLabel]: role ?? null } } });
  }
  return patches;
}

/**
 * The outcome annotation; with `marker` (the data marker the leader holds) on a passing check that has
 * none recorded (`recorded`), the marker's annotation too. A recorded marker is never replaced: the
 * check that finds another one fails, and only a person removing the annotation accepts the new data.
 */
export function verifiedAnnotationPatch(outcome: ReplicationOutcome, time: Date, recorded?: string, marker?: string): MetadataPatch {
  const value = JSON.stringify({ time: time.toISOString(), result: outcome.result, summary: outcome.summary });
  const markIt = outcome.result === 'passed' && recorded === undefined && marker !== undefined;
  return { metadata: { annotations: { [verifiedAnnotation]: value, ...(markIt ? { [dataMarkerAnnotation]: marker } : {}) } } };
}

/** A core/v1 Event on the StatefulSet, so `kubectl describe` and event-based alerting see the outcome. */
export function outcomeEvent(sts: V1StatefulSet, outcome: ReplicationOutcome, time: Date, reportingInstance: string): CoreV1Event {
  const name = sts.metadata?.name ?? '';
  const namespace = sts.metadata?.namespace;
  const message = outcome.summary.length > eventMessageLimit ? `${outcome.summary.slice(0, eventMessageLimit - 3)}...` : outcome.summary;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${name}.`, namespace },
    involvedObject: { apiVersion: 'apps/v1', kind: 'StatefulSet', name, namespace, uid: sts.metadata?.uid },
    reason: eventReasons[outcome.result],
    type: outcome.result === 'passed' ? 'Normal' : 'Warning',
    message,
    action: 'Verify',
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    source: { component },
    reportingComponent: component,
    reportingInstance,
  };
}
