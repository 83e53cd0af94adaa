// The policy store with a stand-in for the cluster watch: what each source contributes, what a bad
// cluster set or an unreachable API does to the policies in force, and what is reported.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkClusterPolicies } from '../../src/core/policy/checkClusterPolicies.js';
import type { ClusterPolicyListener, ClusterPolicyWatch } from '../../src/edges/kubernetes/clusterPolicyWatch.js';
import type { ReloadResult } from '../../src/edges/telemetry/metrics.js';
import { policyStore, type PolicyStore } from '../../src/edges/http/policyStore.js';
import { policyObject } from '../fixtures/policyObject.js';

/** A watch the test drives: `listener` is what the store gave it. */
function fakeWatch(): ClusterPolicyWatch & { listener?: ClusterPolicyListener; closed: boolean } {
  const watch: ClusterPolicyWatch & { listener?: ClusterPolicyListener; closed: boolean } = {
    closed: false,
    start: (listener) => {
      watch.listener = listener;
      listener.policies(checkClusterPolicies([]));
      return Promise.resolve();
    },
    close: () => {
      watch.closed = true;
    },
  };
  return watch;
}

function policyFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rrw-store-'));
  writeFileSync(
    join(dir, 'caches.yaml'),
    'apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata: {name: caches}\nspec: {replicas: {max: 5}}\n',
  );
  return dir;
}

describe('policyStore with cluster policies', () => {
  let store: PolicyStore | undefined;
  afterEach(() => store?.close());

  test('a cluster object replaces the file of the same name and adds its own; the last good set survives a bad one', async () => {
    const watch = fakeWatch();
    const reloads: ReloadResult[] = [];
    store = await policyStore(policyFolder(), (result) => reloads.push(result), watch);
    expect(store.current().map((p) => p.name)).toEqual(['default', 'caches']);
    expect(reloads).toEqual(['success', 'success']);

    watch.listener!.policies(checkClusterPolicies([policyObject('caches', { replicas: { max: 3 } }), policyObject('batch', {})]));
    const caches = () => store!.current().find((p) => p.name === 'caches')!;
    expect(store.current().map((p) => p.name)).toEqual(['default', 'caches', 'batch']);
    expect(caches().replicas.max).toBe(3);

    watch.listener!.policies(checkClusterPolicies([policyObject('caches', { replicas: { min: 4, max: 3 } })]));
    expect(store.lastErrors()).toEqual(['ReplicationPolicy caches: spec.replicas: min 4 is greater than max 3']);
    expect(store.current().map((p) => p.name)).toEqual(['default', 'caches', 'batch']);
    expect(caches().replicas.max).toBe(3);
    expect(reloads.at(-1)).toBe('failure');

    // Deleting the objects brings the file's copy back, and clears the error.
    watch.listener!.policies(checkClusterPolicies([]));
    expect(store.lastErrors()).toEqual([]);
    expect(store.current().map((p) => p.name)).toEqual(['default', 'caches']);
    expect(caches().replicas.max).toBe(5);

    store.close();
    expect(watch.closed).toBe(true);
  });

  test('an unreachable API keeps the policies in force, shows the error, and a later list clears it', async () => {
    const watch = fakeWatch();
    const reloads: ReloadResult[] = [];
    store = await policyStore(undefined, (result) => reloads.push(result), watch);
    watch.listener!.policies(checkClusterPolicies([policyObject('batch', {})]));
    watch.listener!.trouble('cluster policies: cannot list or watch replicationpolicies.redis-replication.io: HTTP 403');
    expect(store.lastErrors()).toEqual(['cluster policies: cannot list or watch replicationpolicies.redis-replication.io: HTTP 403']);
    expect(store.current().map((p) => p.name)).toEqual(['default', 'batch']);
    // Trouble reaching the API is no policy load: the reload metric counts only sets checked.
    expect(reloads).toEqual(['success', 'success']);
    watch.listener!.policies(checkClusterPolicies([policyObject('batch', {})]));
    expect(store.lastErrors()).toEqual([]);
  });
});
