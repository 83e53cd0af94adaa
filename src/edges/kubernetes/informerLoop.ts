import type { KubernetesObject } from '@kubernetes/client-node';
import { ApiError, type ApiConnection, type WatchEvent } from './apiConnection.js';

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

export interface InformerOptions<T> {
  /** The collection's API path, e.g. `/apis/apps/v1/statefulsets`. */
  path: string;
  labelSelector?: string;
  /** After every list and every change, add or delete. */
  onChange?: () => void;
  /** The list or the watch failed; it is tried again after `retryMs`. */
  onTrouble: (error: unknown) => void;
  /** Listed (again): the objects are whole. */
  onSynced?: () => void;
  retryMs?: number;
  /** What to keep of each object (by default all of it): a watch of many objects may need only a few fields. */
  keep?: (object: T) => T;
  /** Where to list and watch: the one connection serve builds. */
  connection: Pick<ApiConnection, 'get' | 'watch'>;
}

const key = (name: string | undefined, namespace: string | undefined) => `${namespace ?? ''}/${name ?? ''}`;

/**
 * List, then watch from the list's resourceVersion, as a Kubernetes informer does: a watch the API server
 * ends is resumed where it left off; an expired one ("410 Gone", after etcd compacted its history) is
 * listed again at once; a failed list or watch (an API server away) is reported, and the whole is tried
 * again every `retryMs`, the objects counted as not in sync until a list succeeds.
 */
export function informerLoop<T extends KubernetesObject>(options: InformerOptions<T>): InformerLoop<T> {
  const keep = options.keep ?? ((object: T) => object);
  const { connection } = options;
  const retryMs = options.retryMs ?? 5_000;
  const query = (extra: string) =>
    `${options.path}?${[extra, options.labelSelector ? `labelSelector=${encodeURIComponent(options.labelSelector)}` : ''].filter(Boolean).join('&')}`;
  let objects = new Map<string, T>();
  let resourceVersion = '';
  let synced = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let watch: { abort(): void } | undefined;

  const fail = (error: unknown) => {
    if (closed) return;
    synced = false;
    options.onTrouble(error);
    clearTimeout(retry);
    retry = setTimeout(() => void list(), retryMs);
  };

  const onEvent = (event: WatchEvent, expired: { yes: boolean }) => {
    if (event.type === 'ERROR') {
      if (event.object.code === 410) expired.yes = true;
      return;
    }
    const version = event.object.metadata?.resourceVersion;
    if (version) resourceVersion = version;
    if (event.type === 'BOOKMARK') return;
    const object = event.object as T;
    const at = key(object.metadata?.name, object.metadata?.namespace);
    if (event.type === 'DELETED') objects.delete(at);
    else objects.set(at, keep(object));
    options.onChange?.();
  };

  const watchFrom = () => {
    if (closed) return;
    const expired = { yes: false };
    watch = connection.watch(
      query(`watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(resourceVersion)}`),
      (event) => onEvent(event, expired),
      (error) => {
        if (closed) return;
        if (expired.yes || (error instanceof ApiError && error.code === 410)) void list();
        else if (error !== undefined) fail(error);
        // The API server ends every watch after a while: resume where it left off.
        else watchFrom();
      },
    );
  };

  const list = async () => {
    if (closed) return;
    try {
      const answer = await connection.get<{ metadata?: { resourceVersion?: string }; items?: T[] }>(query(''));
      if (closed) return;
      objects = new Map((answer.items ?? []).map((item) => [key(item.metadata?.name, item.metadata?.namespace), keep(item)]));
      resourceVersion = answer.metadata?.resourceVersion ?? '';
      synced = true;
      options.onSynced?.();
      options.onChange?.();
      watchFrom();
    } catch (error) {
      fail(error);
    }
  };

  return {
    start: list,
    synced: () => synced && !closed,
    list: () => [...objects.values()],
    get: (name, namespace) => objects.get(key(name, namespace)),
    close() {
      closed = true;
      clearTimeout(retry);
      watch?.abort();
    },
  };
}
