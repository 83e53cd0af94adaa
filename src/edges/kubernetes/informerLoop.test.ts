import type { V1StatefulSet } from '@kubernetes/client-node';
import { ApiError, type ApiConnection, type WatchEvent } from './apiConnection.js';
import { informerLoop } from './informerLoop.js';
import { eventually } from '../../../test/fixtures/eventually.js';

/** An API server in memory: answers lists from `items`, and hands each watch to the test. */
function fakeApi(): Pick<ApiConnection, 'get' | 'watch'> & {
  items: V1StatefulSet[];
  lists: string[];
  watches: { path: string; send: (e: WatchEvent) => void; end: (error?: unknown) => void }[];
  listError?: unknown;
} {
  const api = {
    items: [] as V1StatefulSet[],
    lists: [] as string[],
    watches: [] as { path: string; send: (e: WatchEvent) => void; end: (error?: unknown) => void }[],
    listError: undefined as Error | undefined,
    get<T>(path: string): Promise<T> {
      api.lists.push(path);
      if (api.listError !== undefined) return Promise.reject(api.listError);
      return Promise.resolve({ metadata: { resourceVersion: String(10 + api.lists.length) }, items: [...api.items] } as T);
    },
    watch(path: string, onEvent: (e: WatchEvent) => void, onEnd: (error?: unknown) => void) {
      api.watches.push({ path, send: onEvent, end: onEnd });
      return { abort: () => undefined };
    },
  };
  return api;
}

const sts = (name: string, resourceVersion: string): V1StatefulSet => ({ metadata: { name, namespace: 'shop', resourceVersion } });

test("lists, then watches from the list's version; adds, updates and deletes follow the events", async () => {
  const api = fakeApi();
  api.items = [sts('a', '5')];
  const loop = informerLoop<V1StatefulSet>({
    path: '/apis/apps/v1/statefulsets',
    labelSelector: 'redis-replication=enabled',
    onTrouble: () => undefined,
    connection: api,
  });
  await loop.start();
  expect(loop.synced()).toBe(true);
  expect(api.lists).toEqual(['/apis/apps/v1/statefulsets?labelSelector=redis-replication%3Denabled']);
  expect(api.watches[0].path).toBe(
    '/apis/apps/v1/statefulsets?watch=1&allowWatchBookmarks=true&resourceVersion=11&labelSelector=redis-replication%3Denabled',
  );
  expect(loop.get('a', 'shop')).toBeDefined();
  api.watches[0].send({ type: 'ADDED', object: sts('b', '12') });
  api.watches[0].send({ type: 'DELETED', object: sts('a', '13') });
  api.watches[0].send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '20' } } });
  expect(loop.list().map((s) => s.metadata!.name)).toEqual(['b']);
  // The API server ends a watch after a while: resumed where it left off, with no new list.
  api.watches[0].end();
  expect(api.watches[1].path).toContain('resourceVersion=20');
  expect(api.lists).toHaveLength(1);
  loop.close();
});

test('an expired watch ("410 Gone") is listed again at once, staying in sync', async () => {
  const api = fakeApi();
  const loop = informerLoop<V1StatefulSet>({ path: '/p', onTrouble: () => undefined, connection: api });
  await loop.start();
  api.items = [sts('c', '30')];
  api.watches[0].send({ type: 'ERROR', object: { code: 410, message: 'too old resource version' } });
  api.watches[0].end();
  await eventually(() => (loop.get('c', 'shop') ? true : undefined), 2_000, 'the new list');
  expect(api.lists).toHaveLength(2);
  expect(loop.synced()).toBe(true);
  // A watch answered with 410 straight away is the same.
  api.watches[1].end(new ApiError(410, '{"code":410}'));
  await eventually(() => (api.lists.length === 3 ? true : undefined), 2_000, 'a third list');
  loop.close();
});

test('a failed list or watch is reported, counted as out of sync, and tried again', async () => {
  const api = fakeApi();
  const troubles: unknown[] = [];
  api.listError = new Error('connect ECONNREFUSED');
  const loop = informerLoop<V1StatefulSet>({ path: '/p', onTrouble: (e) => troubles.push(e), retryMs: 20, connection: api });
  await loop.start();
  expect(loop.synced()).toBe(false);
  api.listError = undefined;
  await eventually(() => (loop.synced() ? true : undefined), 2_000, 'the retry to list');
  api.watches.at(-1)!.end(new Error('socket hang up'));
  expect(loop.synced()).toBe(false);
  await eventually(() => (loop.synced() ? true : undefined), 2_000, 'the retry after the broken watch');
  expect(troubles.map(String)).toEqual(['Error: connect ECONNREFUSED', 'Error: socket hang up']);
  loop.close();
});
