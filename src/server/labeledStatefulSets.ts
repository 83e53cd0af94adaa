import type { V1StatefulSet } from '@kubernetes/client-node';
import { informerLoop } from '../kubernetes/informerLoop.js';
import { describeApiError } from '../kubernetes/kubernetesClient.js';
import { enabledLabel } from '../rules/replicationNames.js';
import { log } from './log.js';

/** What the webhook knows of the StatefulSets that carry the enabled label, kept from a watch. */
export interface LabeledStatefulSets {
  /** Starts the watch; resolves once the first list has been tried, never rejects. */
  start(): Promise<void>;
  /**
   * The labeled StatefulSet of that name (undefined: none is labeled), when the watch is in sync; `unknown`
   * while it is not (starting, or listing again after a failure): then only the API can say.
   */
  lookup(namespace: string, name: string): { known: true; statefulSet?: V1StatefulSet } | { known: false };
  close(): void;
}

/**
 * Every labeled StatefulSet of the cluster, from a list and watch with a label selector: a scale request
 * for any other StatefulSet (most of them, ours or not) is answered from memory, with no round trip.
 */
export function kubernetesLabeledStatefulSets(retryMs = 5_000): LabeledStatefulSets {
  let lastTrouble = '';
  const loop = informerLoop<V1StatefulSet>({
    path: '/apis/apps/v1/statefulsets',
    labelSelector: `${enabledLabel.key}=${enabledLabel.value}`,
    retryMs,
    onTrouble: (error) => {
      const trouble = describeApiError(error);
      // Retries repeat the same error every few seconds: log it when it changes.
      if (trouble !== lastTrouble)
        log('warn', 'labeled StatefulSets not watched; scale requests read their StatefulSet through the API', { error: trouble });
      lastTrouble = trouble;
    },
    onSynced: () => {
      lastTrouble = '';
      log('info', 'labeled StatefulSets listed and watched', { count: loop.list().length });
    },
  });
  return {
    start: () => loop.start(),
    lookup: (namespace, name) => {
      if (!loop.synced()) return { known: false };
      const statefulSet = loop.get(name, namespace);
      return statefulSet ? { known: true, statefulSet } : { known: true };
    },
    close: () => loop.close(),
  };
}
