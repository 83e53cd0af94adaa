import type { Informer, KubernetesListObject, KubernetesObject, KubeConfig, ObjectCache } from '@kubernetes/client-node';
import { kubeConfig, type ClientLibrary } from './kubernetesClient.js';

/** A list of objects the API server keeps this process up to date on: listed, then watched. */
export interface InformerLoop<T extends KubernetesObject> {
  /** Starts it. Resolves once the first list has been tried, whatever came of it; never rejects. */
  start(): Promise<void>;
  /** True from a successful list until the watch fails; while false, the objects may be stale or missing. */
  synced(): boolean;
  list(): readonly T[];
  get(name: string, namespace?: string): T | undefined;
  close(): void;
}

export interface InformerOptions<T extends KubernetesObject> {
  /** The collection's API path, e.g. `/apis/apps/v1/statefulsets`. */
  path: string;
  /** The list call for the same collection (client-node lists through its typed clients). */
  list: (library: ClientLibrary, config: KubeConfig) => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  /** After the first list and every change, add or delete. */
  onChange?: () => void;
  /** The list or the watch failed; it is tried again after `retryMs`. */
  onTrouble: (error: unknown) => void;
  /** Listed again after a failure or an expired watch ("410 Gone"): the objects are whole again. */
  onSynced?: () => void;
  retryMs?: number;
}

/**
 * client-node's informer with what it lacks for a long-running webhook: it does not restart after an
 * error (a failed list, a broken watch, an API server restart), so this loop does, every `retryMs`, and
 * says whether its objects can be trusted. An expired watch ("410 Gone") is re-listed by the informer.
 */
export function informerLoop<T extends KubernetesObject>(options: InformerOptions<T>): InformerLoop<T> {
  const retryMs = options.retryMs ?? 5_000;
  let informer: (Informer<T> & ObjectCache<T>) | undefined;
  let closed = false;
  let synced = false;
  let failed = false;
  let retry: NodeJS.Timeout | undefined;
  const fail = (error: unknown) => {
    // Stopping the informer aborts its watch request, which it reports as an error.
    if (closed) return;
    synced = false;
    failed = true;
    options.onTrouble(error);
    clearTimeout(retry);
    retry = setTimeout(() => void attempt(), retryMs);
  };
  const connect = async () => {
    const { library, config } = await kubeConfig();
    const created = library.makeInformer<T>(config, options.path, () => options.list(library, config), options.labelSelector);
    for (const event of ['add', 'update', 'delete'] as const) created.on(event, () => options.onChange?.());
    // The informer does not restart after an error (a failed list, a broken watch): `fail` does.
    created.on('error', fail);
    return created;
  };
  const attempt = async () => {
    failed = false;
    try {
      informer ??= await connect();
      await informer.start();
      // start() resolves also when its list failed: the informer reports that as an error event instead.
      if (closed || failed) return;
      synced = true;
      options.onSynced?.();
      // After a successful (re)start, also when nothing changed: the holder re-reads what it keeps.
      options.onChange?.();
    } catch (error) {
      if (!failed) fail(error);
    }
  };
  return {
    start: attempt,
    synced: () => synced && !closed,
    list: () => informer?.list() ?? [],
    get: (name, namespace) => informer?.get(name, namespace),
    close() {
      closed = true;
      clearTimeout(retry);
      void informer?.stop();
    },
  };
}
