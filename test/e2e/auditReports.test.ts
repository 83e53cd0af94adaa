import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicyReport } from '../../src/core/audit/policyReport.js';
import { eventually } from '../fixtures/eventually.js';
import { applyCrds, kubectl, kubectlOk } from '../fixtures/kubectl.js';
import { disruptionBudgetYaml, replicationGroupYaml } from '../fixtures/manifest.js';
import { bindClusterRoleFiles, serviceAccountKubeconfig } from '../fixtures/serviceAccountKubeconfig.js';
import { startWebhook, type WebhookProcess } from '../fixtures/webhookProcess.js';

// `serve --audit-interval` against the real API server, with the shipped RBAC only: the audit of what
// the cluster already stores, published as one PolicyReport per namespace (the Policy WG CRDs, from
// Kyverno's module), kept up to date on changes of the StatefulSets and the policies, and through API errors.
const cluster = fileURLToPath(new URL('../cluster/', import.meta.url));
const ns = `e2e-reports-${process.pid}`;
const policies = mkdtempSync(join(tmpdir(), 'rrw-audit-policies-'));
/** What the audit promises after a change: it settles for 1 s, then one list and one write. */
const promisedMs = 10_000;
let webhook: WebhookProcess;
const roleFiles = ['kustomize/base/cluster-role.yaml', 'kustomize/components/audit/cluster-role.yaml'];
let unbind: (() => Promise<void>) | undefined;

const apiserver = (action: 'stop' | 'start' | 'compact') => execFileSync('bash', [`${cluster}apiserver.sh`, action], { stdio: 'inherit' });
const crds = () => execFileSync('bash', [`${cluster}policyreport-crds.sh`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });

const installCrds = () => applyCrds(crds());

async function reports(): Promise<PolicyReport[]> {
  const found = await kubectl(['get', 'policyreports.wgpolicyk8s.io', '-n', ns, '-o', 'json']);
  return found.code === 0 ? (JSON.parse(found.stdout) as { items: PolicyReport[] }).items : [];
}

/** The namespace's report as `name/check=result` for every result that did not pass, once it satisfies `expected`. */
function reportReaches(expected: (failing: string[], report: PolicyReport | undefined) => boolean, what: string, withinMs = promisedMs) {
  return eventually(
    async () => {
      const found = await reports();
      const failing = (found[0]?.results ?? []).filter((r) => r.result !== 'pass').map((r) => `${r.resources[0].name}/${r.rule}=${r.result}`);
      return found.length <= 1 && expected(failing, found[0]) ? { failing, report: found[0] } : undefined;
    },
    withinMs,
    what,
  );
}

beforeAll(async () => {
  await installCrds();
  await kubectlOk(['create', 'namespace', ns]);
  cpSync(process.env.RRW_POLICIES_DIR!, policies, { recursive: true });
  // One StatefulSet stored while the webhook is not registered, one it admits.
  await kubectlOk(['delete', 'mutatingwebhookconfiguration,validatingwebhookconfiguration', 'redis-replication-webhook', '--ignore-not-found']);
  await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'unwired'));
  execFileSync('bash', [`${cluster}webhook-up.sh`], { stdio: ['ignore', 'ignore', 'inherit'] });
  await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'wired'));
  // Each with a PodDisruptionBudget, so the only findings are the ones each test makes.
  await kubectlOk(['apply', '-f', '-'], `${disruptionBudgetYaml(ns, 'unwired')}---\n${disruptionBudgetYaml(ns, 'wired')}`);
  // As the shipped RBAC allows (the base ClusterRole and the audit component's), not as the admin.
  await kubectlOk(['create', 'serviceaccount', 'webhook', '-n', ns]);
  unbind = await bindClusterRoleFiles(ns, 'webhook', roleFiles);
  const kubeconfig = await serviceAccountKubeconfig(ns, 'webhook');
  // An hour: every audit this test sees is one a change triggered.
  webhook = await startWebhook(['--policies', policies, '--check-services', '--audit-interval', '1h'], { env: { KUBECONFIG: kubeconfig } });
}, 120_000);

afterAll(async () => {
  await webhook?.stop();
  await unbind?.();
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  rmSync(policies, { recursive: true, force: true });
}, 60_000);

test('the StatefulSet stored without the webhook fails its wiring in the namespace report, with the fix; the other passes', async () => {
  const { failing, report } = await reportReaches((f) => f.length > 0, 'the first report');
  expect(failing).toEqual(['unwired/wiring=fail']);
  expect(report.summary).toMatchObject({ fail: 1, warn: 0, error: 0, skip: 0 });
  const wiring = report.results.find((r) => r.rule === 'wiring' && r.resources[0].name === 'unwired')!;
  expect(wiring).toMatchObject({ source: 'redis-replication-webhook', policy: 'default', category: 'Redis replication' });
  expect(wiring.message).toContain(`run kubectl rollout restart statefulset/unwired -n ${ns} with the webhook running`);
  expect(wiring.resources[0]).toMatchObject({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: ns, uid: expect.any(String) as string });
  const metrics = (await webhook.get('/metrics')).body;
  expect(metrics).toMatch(/^redis_replication_webhook_audit_results\{result="fail"\} [1-9]/m);
}, 30_000);

test('fixed as the message says, it passes; the report is replaced, not duplicated', async () => {
  await kubectlOk(['rollout', 'restart', 'statefulset/unwired', '-n', ns]);
  const { report } = await reportReaches((f) => f.length === 0, 'the report to pass');
  expect(report.summary.fail).toBe(0);
  expect(await reports()).toHaveLength(1);
}, 30_000);

test('a policy change that breaks them fails them, and its removal passes them again', async () => {
  writeFileSync(
    join(policies, 'tight.yaml'),
    `apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata: {name: tight}\nspec: {namespaces: [${ns}], replicas: {min: 2, max: 2}}\n`,
  );
  const { failing, report } = await reportReaches((f) => f.length > 0, 'the policy change to fail them');
  expect(failing).toEqual(['unwired/replicas=fail', 'unwired/wiring=skip', 'wired/replicas=fail', 'wired/wiring=skip']);
  expect(report.results.find((r) => r.rule === 'replicas')).toMatchObject({
    policy: 'tight',
    message: expect.stringContaining('spec.replicas: found 3') as string,
  });
  rmSync(join(policies, 'tight.yaml'));
  await reportReaches((f) => f.length === 0, 'the policy removal to pass them');
}, 30_000);

test('an audit that finds the same writes nothing', async () => {
  const before = (await reports())[0];
  const published = webhook.logs().split('"audit published"').length;
  // A Service change triggers an audit (with --check-services) and changes nothing the audit reads.
  await kubectlOk(['label', 'service', 'wired-headless', '-n', ns, 'touched=yes']);
  await eventually(() => (webhook.logs().split('"audit published"').length > published ? true : undefined), promisedMs, 'the next audit');
  const after = (await reports())[0];
  expect((after as { metadata: { resourceVersion?: string } }).metadata.resourceVersion).toBe(
    (before as { metadata: { resourceVersion?: string } }).metadata.resourceVersion,
  );
}, 30_000);

test('the PolicyReport CRD gone: the audit reports the trouble and publishes once it is back', async () => {
  await kubectlOk(['delete', 'crd', 'policyreports.wgpolicyk8s.io', '--wait=true']);
  await kubectlOk(['label', 'statefulset', 'wired', '-n', ns, 'redis-replication-']);
  await eventually(() => (webhook.logs().includes('is the PolicyReport CRD installed?') ? true : undefined), promisedMs, 'the trouble in the log');
  await installCrds();
  // The retry comes by itself (10 s); a change brings it sooner.
  await kubectlOk(['label', 'statefulset', 'wired', '-n', ns, 'redis-replication=enabled']);
  // The retry may publish first, from before the label came back (only `unwired`): wait for the audit
  // that saw the label (a busy whole-suite run met the retry's report).
  const { report } = await reportReaches(
    (_, r) => r?.results.some((result) => result.resources[0].name === 'wired') === true,
    'the report to be back, with the relabeled StatefulSet',
  );
  expect(new Set(report.results.map((r) => r.resources[0].name))).toEqual(new Set(['unwired', 'wired']));
  expect(webhook.child.exitCode).toBeNull();
}, 60_000);

test('a watch restart (etcd compacted, the API server killed and started): listed again, a change made after it is reported', async () => {
  try {
    apiserver('compact');
    apiserver('stop');
    apiserver('start');
  } finally {
    // Whatever failed above, the other tests need the API server.
    if ((await kubectl(['get', '--raw', '/readyz'])).code !== 0) apiserver('start');
  }
  // A change that reaches the webhook only through a new list or watch: the wiring's record taken off, then put back.
  const record = await kubectlOk(['get', 'statefulset', 'wired', '-n', ns, '-o', 'jsonpath={.metadata.annotations.redis-replication/mutated-by}']);
  await kubectlOk(['annotate', 'statefulset', 'wired', '-n', ns, 'redis-replication/mutated-by-']);
  const { failing } = await reportReaches((f) => f.length > 0, 'the change after the restart', 30_000);
  expect(failing).toEqual(['wired/wiring=fail']);
  await kubectlOk(['annotate', 'statefulset', 'wired', '-n', ns, `redis-replication/mutated-by=${record}`]);
  await reportReaches((f) => f.length === 0, 'the record put back');
}, 90_000);

test('a namespace left with no labeled StatefulSet loses its report', async () => {
  await kubectlOk(['label', 'statefulset', 'wired', 'unwired', '-n', ns, 'redis-replication-']);
  await eventually(async () => ((await reports()).length === 0 ? true : undefined), promisedMs, 'the report to be deleted');
}, 30_000);
