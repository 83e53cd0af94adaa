import type { KubernetesObject, V1Pod, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import type { ApiConnection } from './apiConnection.js';
import { informerLoop } from './informerLoop.js';
import { describeApiError } from './kubernetesClient.js';
import { enabledLabel } from '../../wire/replicationNames.js';
import { log } from '../telemetry/log.js';

/** Objects the webhook keeps in memory from a list and watch, so admissions read them without a round trip. */
export interface WatchedObjects<T> {
  /** Starts the watch; resolves once the first list has been tried, never rejects. */
  start(): Promise<void>;
  /**
   * The object of that name (undefined: there is none), when the watch is in sync; not known while it is
   * not (starting, or listing again after a failure): then only the API can say.
   */
  lookup(namespace: string, name: string): { known: true; object?: T } | { known: false };
  /** Every object, when the watch is in sync; undefined while it is not. */
  all(): readonly T[] | undefined;
  /** Calls `listener` after every list and every change, until the returned function is called. */
  onChange(listener: () => void): () => void;
  close(): void;
}

function watchedObjects<T extends KubernetesObject>(
  what: string,
  options: { connection: ApiConnection; path: string; labelSelector?: string; keep?: (object: T) => T; retryMs?: number },
): WatchedObjects<T> {
  let lastTrouble = '';
  const listeners: (() => void)[] = [];
  const loop = informerLoop<T>({
    onChange: () => {
      for (const listener of listeners) listener();
    },
    connection: options.connection,
    path: options.path,
    ...(options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector }),
    ...(options.keep === undefined ? {} : { keep: options.keep }),
    retryMs: options.retryMs ?? 5_000,
    onTrouble: (error) => {
      const trouble = describeApiError(error);
      // Retries repeat the same error every few seconds: log it when it changes.
      if (trouble !== lastTrouble) log('warn', `${what} not watched; admissions read them through the API`, { error: trouble });
      lastTrouble = trouble;
    },
    onSynced: () => {
      lastTrouble = '';
      log('info', `${what} listed and watched`, { count: loop.list().length });
    },
  });
  return {
    start: () => loop.start(),
    lookup: (namespace, name) => {
      if (!loop.synced()) return { known: false };
      const object = loop.get(name, namespace);
      return object ? { known: true, object } : { known: true };
    },
    all: () => (loop.synced() ? loop.list() : undefined),
    onChange: (listener) => {
      listeners.push(listener);
      return () => {
        const at = listeners.indexOf(listener);
        if (at >= 0) listeners.splice(at, 1);
      };
    },
    close: () => loop.close(),
  };
}

/**
 * Every labeled StatefulSet of the cluster (a label selector): a scale request for any other StatefulSet,
 * most of them, ours or not, is answered from memory.
 */
export function watchedLabeledStatefulSets(connection: ApiConnection): WatchedObjects<V1StatefulSet> {
  return watchedObjects<V1StatefulSet>('labeled StatefulSets', {
    connection,
    path: '/apis/apps/v1/statefulsets',
    labelSelector: `${enabledLabel.key}=${enabledLabel.value}`,
  });
}

/**
 * Every Service of the cluster, of which only what the serviceName rule reads is kept (name, clusterIP,
 * type): a labeled StatefulSet's governing Service is checked without a round trip, in a few bytes a Service.
 */
export function watchedServices(connection: ApiConnection): WatchedObjects<V1Service> {
  return watchedObjects<V1Service>('Services', {
    connection,
    path: '/api/v1/services',
    keep: (service) => ({
      metadata: { name: service.metadata?.name, namespace: service.metadata?.namespace },
      spec: { clusterIP: service.spec?.clusterIP, type: service.spec?.type },
    }),
  });
}

/**
 * Every pod of the cluster, of which only what the leader labels read is kept (name, namespace, uid,
 * labels, IP): a group's members are found without a list per group.
 */
export function watchedPods(connection: ApiConnection): WatchedObjects<V1Pod> {
  return watchedObjects<V1Pod>('pods', {
    connection,
    path: '/api/v1/pods',
    keep: (pod) => ({
      metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, uid: pod.metadata?.uid, labels: pod.metadata?.labels },
      status: { podIP: pod.status?.podIP },
    }),
  });
}
