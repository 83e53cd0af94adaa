import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';
import type { PolicyReport } from '../../src/core/audit/policyReport.js';
import { ApiError } from '../../src/edges/kubernetes/apiConnection.js';
import { policySet } from '../../src/core/policy/policySet.js';
import { clusterAudit, type AuditRun, type ClusterAudit } from '../../src/edges/controllers/clusterAudit.js';
import type { Publication, ReportPublisher } from '../../src/edges/controllers/policyReportPublisher.js';
import type { WatchedObjects } from '../../src/edges/kubernetes/watchedObjects.js';
import { sampleStatefulSet } from '../fixtures/statefulSet.js';

// The audit loop's promises, with a watch and a publisher in memory (the real ones are in
// test/e2e/auditReports.test.ts): nothing is published from a watch out of sync, the next list
// publishes; a failed publication is tried again; a change seen during an audit gets an audit after it.

function fakeWatch(): WatchedObjects<V1StatefulSet> & { set(objects: V1StatefulSet[] | undefined): void; listeners(): number } {
  let objects: V1StatefulSet[] | undefined;
  const listeners: (() => void)[] = [];
  return {
    start: () => Promise.resolve(),
    lookup: () => ({ known: false }),
    all: () => objects,
    onChange: (listener) => {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    },
    close: () => undefined,
    set(next) {
      objects = next;
      for (const listener of [...listeners]) listener();
    },
    listeners: () => listeners.length,
  };
}

/** A publisher whose publications a test awaits one by one, and whose next answers it chooses. */
function fakePublisher() {
  const published: PolicyReport[][] = [];
  const waiting: ((reports: PolicyReport[]) => void)[] = [];
  const failures: Error[] = [];
  let gate: { entered: () => void; open: Promise<void> } | undefined;
  const publisher: ReportPublisher = {
    async publish(reports) {
      if (gate) {
        gate.entered();
        await gate.open;
      }
      published.push([...reports]);
      waiting.shift()?.([...reports]);
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return { written: reports.length, deleted: 0, unchanged: 0, skipped: 0 } satisfies Publication;
    },
  };
  return {
    publisher,
    published,
    next: () => new Promise<PolicyReport[]>((resolve) => waiting.push(resolve)),
    failNext: (error: Error) => failures.push(error),
    /** Holds the next publication inside publish: resolves `entered` once it is there; `release` lets it go on. */
    hold: () => {
      let release = () => undefined as void;
      let entered = () => undefined as void;
      const reached = new Promise<void>((resolve) => (entered = resolve));
      gate = { entered, open: new Promise<void>((resolve) => (release = resolve)) };
      return {
        entered: reached,
        release: () => {
          gate = undefined;
          release();
        },
      };
    },
  };
}

let audit: ClusterAudit | undefined;
afterEach(() => audit?.close());

const labeled = (name: string) => ({ ...sampleStatefulSet({ name }), metadata: { ...sampleStatefulSet({ name }).metadata, namespace: 'shop' } });
const names = (reports: PolicyReport[]) => [...new Set(reports.flatMap((r) => r.results.map((x) => x.resources[0].name)))];

function start(watch: WatchedObjects<V1StatefulSet>, publisher: ReportPublisher, runs: AuditRun[] = [], services?: WatchedObjects<V1Service>) {
  audit = clusterAudit({
    statefulSets: watch,
    ...(services ? { services } : {}),
    policies: () => policySet(),
    publisher,
    intervalMs: 3_600_000,
    settleMs: 5,
    retryMs: 20,
    onRun: (run) => runs.push(run),
  });
}

test('nothing is published while the watch is out of sync; its list (a restart included) publishes', async () => {
  const watch = fakeWatch();
  const publisher = fakePublisher();
  start(watch, publisher.publisher);
  const first = publisher.next();
  watch.set([labeled('a')]);
  expect(names(await first)).toEqual(['a']);
  expect(publisher.published).toHaveLength(1);
  // The watch fails and lists again (an API server restart): out of sync, then whole again.
  watch.set(undefined);
  const second = publisher.next();
  watch.set([labeled('a'), labeled('b')]);
  expect(names(await second)).toEqual(['a', 'b']);
  expect(publisher.published).toHaveLength(2);
});

test('a publication that fails is reported and tried again by itself', async () => {
  const watch = fakeWatch();
  const publisher = fakePublisher();
  const runs: AuditRun[] = [];
  start(watch, publisher.publisher, runs);
  publisher.failNext(new ApiError(404, '{"kind":"Status","reason":"NotFound","message":"the server could not find the requested resource"}'));
  const failed = publisher.next();
  const retried = publisher.next();
  watch.set([labeled('a')]);
  await failed;
  await retried;
  // The results are known, published or not (the metric of failing results shows them either way).
  expect(runs[0]).toMatchObject({ ok: false, statefulSets: 1, summary: { fail: expect.any(Number) as number } });
  expect(runs[0]).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 404 NotFound') as string });
  expect(runs[0]).toMatchObject({ ok: false, error: expect.stringContaining('is the PolicyReport CRD installed?') as string });
  expect(publisher.published).toHaveLength(2);
});

test('a change seen during an audit gets an audit of its own right after', async () => {
  const watch = fakeWatch();
  const publisher = fakePublisher();
  start(watch, publisher.publisher);
  const held = publisher.hold();
  const first = publisher.next();
  const second = publisher.next();
  watch.set([labeled('a')]);
  // The first audit is under way (held in publish); the change arrives during it.
  await held.entered;
  watch.set([labeled('a'), labeled('c')]);
  held.release();
  expect(names(await first)).toEqual(['a']);
  expect(names(await second)).toEqual(['a', 'c']);
});

test('a closed audit leaves the watch: it can be started again, as when this replica leads again', async () => {
  const watch = fakeWatch();
  const publisher = fakePublisher();
  start(watch, publisher.publisher);
  expect(watch.listeners()).toBe(1);
  audit!.close();
  expect(watch.listeners()).toBe(0);
  start(watch, publisher.publisher);
  const next = publisher.next();
  watch.set([labeled('a')]);
  expect(names(await next)).toEqual(['a']);
  expect(watch.listeners()).toBe(1);
});
