import type { V1Pod, V1PodList, V1StatefulSet } from '@kubernetes/client-node';
import type { ApiConnection } from '../kubernetes/apiConnection.js';
import { errorMessage } from '../../wire/errorMessage.js';
import { roleLabel } from '../../wire/replicationNames.js';
import { wiredSentinel } from '../../core/rules/wiredInitContainer.js';
import type { WatchedObjects } from '../kubernetes/watchedObjects.js';
import { labelSelectorQuery } from '../kubernetes/labelSelectorQuery.js';
import { askMaster, followSwitches } from '../redis/sentinelClient.js';
import { leaderFromSentinels, roleLabelChanges, type LeaderDecision, type SentinelView } from './leaderFromSentinels.js';

/** One group's round: the decision, and the pods whose label was changed (or why that failed). */
export interface LeaderRound {
  statefulSet: string;
  decision: LeaderDecision;
  labeled: string[];
  error?: string;
}

export interface LeaderLabelerOptions {
  statefulSets: WatchedObjects<V1StatefulSet>;
  /** Every pod, watched: a group's members are read from it (listed through the API while it is not in sync). */
  pods?: WatchedObjects<V1Pod>;
  /** How often every group is asked again whatever its Sentinels announced: the net under the events. */
  intervalMs: number;
  /** The outcome of every group after a round of all of them, or of one group after its Sentinel announced a switch. */
  onRound: (rounds: LeaderRound[], scope: 'all' | 'switch') => void;
  connection: Pick<ApiConnection, 'get' | 'apply'>;
  /** How long one Sentinel may take to answer. */
  askTimeoutMs?: number;
}

const fieldManager = 'redis-replication-leaders';
/** How long after a change the groups are asked: a burst of changes (the first list) makes one round. */
const settleMs = 1_000;

/**
 * Labels the pods of every labeled StatefulSet with Sentinel failover `redis-replication/role=leader` or
 * `follower`, as a majority of its Sentinels name the master: a Service selecting the leader label then
 * follows a failover, for clients that cannot ask Sentinel. Each member's Sentinel is followed
 * (+switch-master): when one announces a failover of its group, that group alone is asked again at once,
 * so the label moves as soon as a majority has switched. All groups are asked once the labeled
 * StatefulSets change (the first list included), and every `intervalMs`.
 * Reads pods (from the watch), asks the Sentinels by pod IP, and writes only that label (server-side
 * apply, the pod's uid as precondition).
 */
export function leaderLabeler(options: LeaderLabelerOptions): { close(): void } {
  const { connection } = options;
  const askTimeoutMs = options.askTimeoutMs ?? Math.min(1_000, options.intervalMs);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  /** Subscriptions to the members' Sentinels by `namespace/name ip`, with the group each belongs to. */
  const following = new Map<string, { statefulSet: string; subscription: { close(): void } }>();
  /** Stops following the Sentinels `stop` picks. */
  const unfollow = (stop: (key: string, statefulSet: string) => boolean) => {
    for (const [key, { statefulSet, subscription }] of following)
      if (stop(key, statefulSet)) {
        subscription.close();
        following.delete(key);
      }
  };
  /** Groups being labeled now, and whether a switch came in meanwhile. */
  const busy = new Map<string, boolean>();

  async function membersOf(sts: V1StatefulSet): Promise<V1Pod[]> {
    const namespace = sts.metadata?.namespace ?? 'default';
    const name = sts.metadata?.name ?? '';
    // The StatefulSet's own pods: its name, a dash and an ordinal (the selector may match others too).
    const isMember = (pod: V1Pod) =>
      pod.metadata?.namespace === namespace &&
      /^\d+$/.test(pod.metadata.name?.slice(name.length + 1) ?? '') &&
      pod.metadata.name?.startsWith(`${name}-`);
    const watched = options.pods?.all();
    if (watched) return watched.filter(isMember);
    const selector = encodeURIComponent(labelSelectorQuery(sts.spec?.selector));
    return (await connection.get<V1PodList>(`/api/v1/namespaces/${namespace}/pods?labelSelector=${selector}`)).items.filter(isMember);
  }

  /** Follows each member's Sentinel, and no longer the ones of pods gone or readdressed. */
  function follow(statefulSet: string, sentinel: { masterName: string; port: number }, pods: readonly V1Pod[]): void {
    // Subscription key to the member's IP.
    const wanted = new Map<string, string>(
      pods.flatMap((pod) => (pod.status?.podIP ? [[`${statefulSet} ${pod.status.podIP}`, pod.status.podIP]] : [])),
    );
    unfollow((key, group) => group === statefulSet && !wanted.has(key));
    for (const [key, ip] of wanted) {
      if (following.has(key)) continue;
      const subscription = followSwitches(
        ip,
        sentinel.port,
        sentinel.masterName,
        { onSwitch: () => switched(statefulSet), onEnd: () => following.delete(key) },
        askTimeoutMs,
      );
      following.set(key, { statefulSet, subscription });
    }
  }

  async function labelGroup(sts: V1StatefulSet, sentinel: { masterName: string; port: number }): Promise<LeaderRound> {
    const namespace = sts.metadata?.namespace ?? 'default';
    const statefulSet = `${namespace}/${sts.metadata?.name ?? ''}`;
    const pods = await membersOf(sts);
    if (!closed) follow(statefulSet, sentinel, pods);
    const views = await Promise.all(
      pods.map(async (pod): Promise<SentinelView> => {
        const member = pod.metadata?.name ?? '';
        const ip = pod.status?.podIP;
        if (!ip) return { member, error: 'no pod IP' };
        return askMaster(ip, sentinel.port, sentinel.masterName, askTimeoutMs).then(
          (master) => ({ member, master }),
          (error: unknown) => ({ member, error: errorMessage(error) }),
        );
      }),
    );
    const decision = leaderFromSentinels(sts, pods, views);
    if (decision.leader === undefined) return { statefulSet, decision, labeled: [] };
    const labeled: string[] = [];
    // In order, followers first: one apply at a time.
    for (const [pod, role] of roleLabelChanges(pods, decision.leader)) {
      const uid = pods.find((p: V1Pod) => p.metadata?.name === pod)?.metadata?.uid;
      await connection.apply(
        `/api/v1/namespaces/${namespace}/pods/${pod}`,
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace, ...(uid ? { uid } : {}), labels: { [roleLabel]: role } } },
        fieldManager,
      );
      labeled.push(`${pod}=${role}`);
    }
    return { statefulSet, decision, labeled };
  }

  const groups = () =>
    (options.statefulSets.all() ?? []).flatMap((sts) => {
      const sentinel = wiredSentinel(sts);
      return sentinel ? [{ statefulSet: `${sts.metadata?.namespace ?? ''}/${sts.metadata?.name ?? ''}`, sts, sentinel }] : [];
    });

  const labelOrExplain = (group: ReturnType<typeof groups>[number]) =>
    labelGroup(group.sts, group.sentinel).catch((error: unknown): LeaderRound => ({
      statefulSet: group.statefulSet,
      decision: { reason: 'not decided' },
      labeled: [],
      error: errorMessage(error),
    }));

  /** A Sentinel of the group announced a switch: that group now, once more after a run in progress. */
  function switched(statefulSet: string): void {
    if (closed) return;
    if (busy.has(statefulSet)) {
      busy.set(statefulSet, true);
      return;
    }
    const group = groups().find((g) => g.statefulSet === statefulSet);
    if (!group) return;
    busy.set(statefulSet, false);
    void labelOrExplain(group).then((round) => {
      const again = busy.get(statefulSet);
      busy.delete(statefulSet);
      if (!closed) options.onRound([round], 'switch');
      if (again) switched(statefulSet);
    });
  }

  let running = false;
  let again = false;
  async function round(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    clearTimeout(timer);
    const current = groups();
    const names = new Set(current.map((g) => g.statefulSet));
    unfollow((_key, group) => !names.has(group));
    const rounds = await Promise.all(current.map(labelOrExplain));
    running = false;
    if (closed) return;
    options.onRound(rounds, 'all');
    timer = setTimeout(() => void round(), again ? settleMs : options.intervalMs);
    again = false;
  }
  /** Soon, once: after a change of the labeled StatefulSets (the first list included). */
  const roundSoon = () => {
    if (closed) return;
    if (running) again = true;
    else {
      clearTimeout(timer);
      timer = setTimeout(() => void round(), settleMs);
    }
  };
  const unsubscribe = options.statefulSets.onChange(roundSoon);

  timer = setTimeout(() => void round(), 0);
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      unsubscribe();
      unfollow(() => true);
    },
  };
}
