import type { V1Lease } from '@kubernetes/client-node';
import { ApiError, type ApiConnection } from './apiConnection.js';
import { leaseElection, type LeaseElection } from './leaseElection.js';
import { waitFor } from '../../../test/fixtures/eventually.js';

// The election against a store that keeps the Lease as the API server does (resourceVersion checked on
// every write), with short durations. What the e2e shows with real replicas (test/e2e/leaderElection.test.ts)
// rests on these rules: one holder at a time, a dead holder replaced, a stuck holder stepping down.

function leaseStore() {
  let stored: V1Lease | undefined;
  let version = 0;
  const broken = new Set<string>();
  const reads = new Map<string, number>();
  const connectionOf = (identity: string): ApiConnection => {
    const check = () => {
      if (broken.has(identity)) throw new Error('connect ECONNREFUSED');
    };
    return {
      get: <T>() => {
        check();
        reads.set(identity, (reads.get(identity) ?? 0) + 1);
        if (!stored) return Promise.reject(new ApiError(404, 'not found'));
        return Promise.resolve(structuredClone(stored) as T);
      },
      create: <T>(_path: string, object: unknown) => {
        check();
        if (stored) return Promise.reject(new ApiError(409, 'AlreadyExists'));
        stored = { ...(object as V1Lease), metadata: { ...(object as V1Lease).metadata, resourceVersion: String(++version) } };
        return Promise.resolve(structuredClone(stored) as T);
      },
      replace: <T>(_path: string, object: unknown) => {
        check();
        const lease = object as V1Lease;
        if (lease.metadata?.resourceVersion !== stored?.metadata?.resourceVersion) return Promise.reject(new ApiError(409, 'Conflict'));
        stored = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++version) } };
        return Promise.resolve(structuredClone(stored) as T);
      },
      apply: () => Promise.reject(new Error('not used')),
      delete: () => Promise.reject(new Error('not used')),
      watch: () => {
        throw new Error('not used');
      },
    };
  };
  return {
    connectionOf,
    holder: () => stored?.spec?.holderIdentity,
    transitions: () => stored?.spec?.leaseTransitions,
    broken,
    /** Resolves once `identity` has read the Lease `n` more times: that many tries of its own. */
    tries: (identity: string, n: number) => {
      const from = reads.get(identity) ?? 0;
      return waitFor(() => (reads.get(identity) ?? 0) >= from + n, 10_000, `${n} tries of ${identity}`);
    },
  };
}

const timing = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 50 };
let running: LeaseElection[] = [];
afterEach(async () => {
  await Promise.all(running.map((e) => e.close()));
  running = [];
});

function elect(store: ReturnType<typeof leaseStore>, identity: string, events: string[] = [], leaseDurationMs = timing.leaseDurationMs) {
  const election = leaseElection({
    connection: store.connectionOf(identity),
    namespace: 'redis-replication-system',
    name: 'redis-replication-webhook',
    identity,
    ...timing,
    leaseDurationMs,
    onStartedLeading: () => events.push(`${identity} leads`),
    onStoppedLeading: () => events.push(`${identity} stops`),
  });
  running.push(election);
  return election;
}

test('of two replicas one leads, and the Lease names it', async () => {
  const store = leaseStore();
  const [a, b] = [elect(store, 'a'), elect(store, 'b')];
  await waitFor(() => a.leading() || b.leading(), 10_000, 'a leader');
  // After five more tries of each, still exactly one.
  await Promise.all([store.tries('a', 5), store.tries('b', 5)]);
  expect([a.leading(), b.leading()].filter(Boolean)).toHaveLength(1);
  expect(store.holder()).toBe(a.leading() ? 'a' : 'b');
});

test('a holder that stops renewing (its API gone) steps down, and the other takes over after the lease duration', async () => {
  const store = leaseStore();
  const events: string[] = [];
  const a = elect(store, 'a', events);
  await waitFor(() => a.leading(), 10_000, 'a leading');
  const b = elect(store, 'b', events);
  store.broken.add('a');
  await waitFor(() => b.leading(), 10_000, 'b taking over');
  expect(a.leading()).toBe(false);
  // a stepped down (renew deadline) before b could take over (lease duration): never two holders.
  expect(events).toEqual(['a leads', 'a stops', 'b leads']);
  expect(store.holder()).toBe('b');
  expect(store.transitions()).toBe(1);
});

test('a holder that closes gives the Lease up, and the other takes it without waiting out the duration', async () => {
  const store = leaseStore();
  // A lease of a minute: b can lead within the wait below only if a gave the Lease up.
  const a = elect(store, 'a', [], 60_000);
  await waitFor(() => a.leading(), 10_000, 'a leading');
  const b = elect(store, 'b', [], 60_000);
  await store.tries('b', 3);
  expect(b.leading()).toBe(false);
  await a.close();
  await waitFor(() => b.leading(), 10_000, 'b taking over');
  expect(store.holder()).toBe('b');
});
