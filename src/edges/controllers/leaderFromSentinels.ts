import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { roleLabel } from '../../wire/replicationNames.js';

/** What one member's Sentinel said the master is (the host it announces), or why it said nothing. */
export type SentinelView = { member: string; master: string } | { member: string; error: string };

/** The group's leader, named by a majority of its Sentinels, or why there is none to label. */
export type LeaderDecision = { leader: string; agreeing: number; members: number } | { leader?: undefined; reason: string };

/** The pod a master host names: `<pod>.<service>...` by its first label, or a pod IP. */
function podOf(host: string, pods: readonly V1Pod[]): string {
  return pods.find((p) => p.status?.podIP === host)?.metadata?.name ?? host.split('.')[0];
}

/**
 * The leader by a majority of the group's members (spec.replicas), so that a minority of Sentinels cut
 * off with an old master never moves the label. No majority: no decision, and the labels stay as they are
 * (a leader cut off from the majority refuses writes anyway: min-replicas-to-write).
 */
export function leaderFromSentinels(sts: V1StatefulSet, pods: readonly V1Pod[], views: readonly SentinelView[]): LeaderDecision {
  const members = sts.spec?.replicas ?? 1;
  const majority = Math.floor(members / 2) + 1;
  const counts = new Map<string, number>();
  for (const view of views) {
    if (!('master' in view)) continue;
    const pod = podOf(view.master, pods);
    counts.set(pod, (counts.get(pod) ?? 0) + 1);
  }
  const [leader, agreeing] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [undefined, 0];
  const prefix = `${sts.metadata?.name ?? ''}-`;
  if (leader === undefined || agreeing < majority) {
    const said = views.map((v) => `${v.member}: ${'master' in v ? v.master : v.error}`).join('; ');
    return { reason: `expected ${majority} of ${members} Sentinels to name one master; found ${said || 'no Sentinel to ask'}` };
  }
  if (!leader.startsWith(prefix) || !pods.some((p) => p.metadata?.name === leader))
    return { reason: `the Sentinels name ${leader}, which is not a pod of StatefulSet ${sts.metadata?.name ?? ''}` };
  return { leader, agreeing, members };
}

/**
 * The role label each pod of the group should carry, for the pods whose label differs: followers first,
 * so that a Service selecting the leader never holds two pods while the label moves.
 */
export function roleLabelChanges(pods: readonly V1Pod[], leader: string): Map<string, 'leader' | 'follower'> {
  const changes = new Map<string, 'leader' | 'follower'>();
  for (const pod of pods) {
    const name = pod.metadata?.name;
    if (name === undefined) continue;
    const role = name === leader ? 'leader' : 'follower';
    if (pod.metadata?.labels?.[roleLabel] !== role) changes.set(name, role);
  }
  return new Map([...changes].sort(([, a], [, b]) => (a === b ? 0 : a === 'follower' ? -1 : 1)));
}
