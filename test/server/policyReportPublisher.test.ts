import { policyReports, type PolicyReport } from '../../src/core/audit/policyReport.js';
import { ApiError, type ApiConnection } from '../../src/edges/kubernetes/apiConnection.js';
import { kubernetesReportPublisher, PublicationError } from '../../src/edges/controllers/policyReportPublisher.js';

// What the publisher asks of the API, with the API in memory (the real one: test/e2e/auditReports.test.ts).
// One namespace's trouble must not keep the other namespaces' reports stale.

const at = new Date('2026-12-01T10:00:00Z');
const reportsFor = (...namespaces: string[]) =>
  policyReports(
    namespaces.map((namespace) => ({
      namespace,
      name: 'cache',
      policy: 'default',
      results: [{ check: 'replicas', outcome: 'pass', message: 'ok' }],
    })),
    at,
  );

function fakeApi(stored: PolicyReport[], refuse: Record<string, ApiError>) {
  const calls: string[] = [];
  const namespaceOf = (path: string) => /\/namespaces\/([^/]+)\//.exec(path)![1];
  const api: Pick<ApiConnection, 'get' | 'apply' | 'delete'> = {
    get: <T>() => Promise.resolve({ items: stored } as T),
    apply: <T>(path: string) => {
      calls.push(`apply ${namespaceOf(path)}`);
      const refusal = refuse[namespaceOf(path)];
      return refusal ? Promise.reject(refusal) : Promise.resolve({} as T);
    },
    delete: (path: string) => {
      calls.push(`delete ${namespaceOf(path)}`);
      const refusal = refuse[namespaceOf(path)];
      return refusal ? Promise.reject(refusal) : Promise.resolve();
    },
  };
  return { api, calls };
}

const terminating = new ApiError(
  403,
  JSON.stringify({
    kind: 'Status',
    reason: 'Forbidden',
    message: 'policyreports "redis-replication" is forbidden: unable to create new content in namespace old because it is being terminated',
  }),
);
const namespaceGone = new ApiError(
  404,
  JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'namespaces "gone" not found', details: { name: 'gone', kind: 'namespaces' } }),
);
const crdMissing = new ApiError(
  404,
  JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource' }),
);

test('unchanged reports are not written, changed ones are, stale ones are deleted', async () => {
  const [unchanged] = reportsFor('a');
  const { api, calls } = fakeApi(
    [{ ...unchanged, results: unchanged.results.map((r) => ({ ...r, timestamp: { seconds: 1, nanos: 0 } })) }, ...reportsFor('stale')],
    {},
  );
  const publication = await kubernetesReportPublisher(api).publish(reportsFor('a', 'b'));
  expect(publication).toEqual({ written: 1, deleted: 1, unchanged: 1, skipped: 0 });
  expect(calls).toEqual(['apply b', 'delete stale']);
});

test('a namespace being deleted, or gone, is skipped; the others are written', async () => {
  const { api, calls } = fakeApi([], { old: terminating, gone: namespaceGone });
  const publication = await kubernetesReportPublisher(api).publish(reportsFor('a', 'gone', 'old', 'z'));
  expect(publication).toEqual({ written: 2, deleted: 0, unchanged: 0, skipped: 2 });
  expect(calls).toEqual(['apply a', 'apply gone', 'apply old', 'apply z']);
});

test('any other refusal is tried for every report, then reported together', async () => {
  const { api, calls } = fakeApi(reportsFor('stale'), { b: crdMissing, stale: crdMissing });
  const publishing = kubernetesReportPublisher(api).publish(reportsFor('a', 'b', 'c'));
  await expect(publishing).rejects.toBeInstanceOf(PublicationError);
  const error = (await publishing.catch((e: unknown) => e)) as PublicationError;
  expect(error.failures.map((f) => f.report)).toEqual(['b/redis-replication', 'stale/redis-replication']);
  expect(error.publication).toEqual({ written: 2, deleted: 0, unchanged: 0, skipped: 0 });
  expect(calls).toEqual(['apply a', 'apply b', 'apply c', 'delete stale']);
});
