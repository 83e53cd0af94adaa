import type { V1Pod, V1PodList, V1StatefulSet } from '@kubernetes/client-node';
import type { Redis } from 'ioredis';
import type { ApiConnection } from '../kubernetes/apiConnection.js';
import { errorMessage } from '../../wire/errorMessage.js';
import { roleLabel, sentinelObserverUser } from '../../wire/replicationNames.js';
import { wiredSentinel } from '../../core/rules/wiredInitContainer.js';
import type { WatchedObjects } from '../kubernetes/watchedObjects.js';
import { labelSelectorQuery } from '../kubernetes/labelSelectorQuery.js';
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
  intervalMs: number;
  /** Every group's outcome, once per round. */
  onRound: (rounds: LeaderRound[]) => void;
  connection: Pick<ApiConnection, 'get' | 'apply'>;
  /** How long one Sentinel may take to answer. */
  askTimeoutMs?: number;
}

const fieldManager = 'redis-replication-leaders';

// Loaded on the first round: a webhook without --label-leaders never pays for ioredis at start.
let ioredis: Promise<typeof Redis> | undefined;

/** Who the master is, as the Sentinel at host:port says, asked as the observer user (no password needed). */
async function askSentinel(host: string, port: number, masterName: string, timeoutMs: number): Promise<string> {
  const RedisClient = await (ioredis ??= import('ioredis').then((m) => m.Redis));
  const client = new RedisClient({
    host,
    port,
    username: sentinelObserverUser,
    // The observer user takes no password; AUTH with a user needs one word all the same.
    password: 'none',
    lazyConnect: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const reply = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string] | null;
    if (!reply) throw new Error(`knows no master named ${masterName}`);
    return reply[0];
  } finally {
    client.disconnect();
  }
}

/**
 * Labels the pods of every labeled StatefulSet with Sentinel failover `redis-replication/role=leader` or
 * `follower`, as a majority of its Sentinels name the master, every interval: a Service selecting the
 * leader label then follows a failover, for clients that cannot ask Sentinel. Reads pods, asks the
 * Sentinels by pod IP, and writes only that label (server-side apply, the pod's uid as precondition).
 */
export function leaderLabeler(options: LeaderLabelerOptions): { close(): void } {
  const { connection } = options;
  const askTimeoutMs = options.askTimeoutMs ?? Math.min(1_000, options.intervalMs);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function labelGroup(sts: V1StatefulSet, sentinel: { masterName: string; port: number }): Promise<LeaderRound> {
    const namespace = sts.metadata?.namespace ?? 'default';
    const name = sts.metadata?.name ?? '';
    const statefulSet = `${namespace}/${name}`;
    const selector = encodeURIComponent(labelSelectorQuery(sts.spec?.selector));
    // The StatefulSet's own pods: its name, a dash and an ordinal (the selector may match others too).
    const isMember = (pod: V1Pod) => /^\d+$/.test(pod.metadata?.name?.slice(name.length + 1) ?? '') && pod.metadata?.name?.startsWith(`${name}-`);
    const pods = (await connection.get<V1PodList>(`/api/v1/namespaces/${namespace}/pods?labelSelector=${selector}`)).items.filter(isMember);
    const views = await Promise.all(
      pods.map(async (pod): Promise<SentinelView> => {
        const member = pod.metadata?.name ?? '';
        const ip = pod.status?.podIP;
        if (!ip) return { member, error: 'no pod IP' };
        return askSentinel(ip, sentinel.port, sentinel.masterName, askTimeoutMs).then(
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

  async function round(): Promise<void> {
    const groups = (options.statefulSets.all() ?? []).flatMap((sts) => {
      const sentinel = wiredSentinel(sts);
      return sentinel ? [{ sts, sentinel }] : [];
    });
    const rounds = await Promise.all(
      groups.map(({ sts, sentinel }) =>
        labelGroup(sts, sentinel).catch((error: unknown): LeaderRound => ({
          statefulSet: `${sts.metadata?.namespace ?? ''}/${sts.metadata?.name ?? ''}`,
          decision: { reason: 'not decided' },
          labeled: [],
          error: errorMessage(error),
        })),
      ),
    );
    options.onRound(rounds);
    if (!closed) timer = setTimeout(() => void round(), options.intervalMs);
  }

  timer = setTimeout(() => void round(), 0);
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
    },
  };
}
