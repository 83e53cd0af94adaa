import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatefulSetAudit } from '../../src/core/audit/auditStatefulSet.js';
import { kubectl, kubectlOk } from '../fixtures/kubectl.js';
import { disruptionBudgetYaml, replicationGroupYaml } from '../fixtures/manifest.js';
import { runCli } from '../fixtures/runCli.js';

// `audit` against the real API server: a labeled StatefulSet stored while the webhook was not registered
// fails its wiring check, one the webhook admitted passes, and the fix the message names does fix it.
const cluster = fileURLToPath(new URL('../cluster/', import.meta.url));
const ns = `e2e-audit-${process.pid}`;
const audit = (...args: string[]) => runCli(['audit', '-n', ns, '--policies', process.env.RRW_POLICIES_DIR!, '--cluster-policies', ...args]);

beforeAll(async () => {
  await kubectlOk(['create', 'namespace', ns]);
  await kubectlOk(['delete', 'mutatingwebhookconfiguration,validatingwebhookconfiguration', 'redis-replication-webhook', '--ignore-not-found']);
  await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'unwired'));
  execFileSync('bash', [`${cluster}webhook-up.sh`], { stdio: ['ignore', 'ignore', 'inherit'] });
  await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'wired'));
  await kubectlOk(['apply', '-f', '-'], `${disruptionBudgetYaml(ns, 'unwired')}---\n${disruptionBudgetYaml(ns, 'wired')}`);
}, 60_000);

afterAll(async () => {
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
}, 60_000);

test('a StatefulSet stored without the webhook fails the wiring check, naming the fix; exit 1', async () => {
  const run = await audit();
  expect(run.stderr).toBe('');
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(
    `StatefulSet ${ns}/unwired (policy default): failing 1 check\n  fail wiring: metadata.annotations["redis-replication/mutated-by"]: found none;`,
  );
  expect(run.stdout).toContain(`run kubectl rollout restart statefulset/unwired -n ${ns} with the webhook running`);
  expect(run.stdout).toContain(`StatefulSet ${ns}/wired (policy default): passing\n`);
  expect(run.stdout).toMatch(
    /2 labeled StatefulSets in namespace \S+: 1 passing, 0 passing with warnings, 1 failing\naudit failed: 1 StatefulSet failing\n$/,
  );
}, 30_000);

test('kubectl rollout restart, as the message says, wires it: the audit passes, exit 0', async () => {
  await kubectlOk(['rollout', 'restart', 'statefulset/unwired', '-n', ns]);
  const run = await audit('--output', 'json');
  expect(run.code).toBe(0);
  const audits = (JSON.parse(run.stdout) as { statefulSets: StatefulSetAudit[]; passed: boolean }).statefulSets;
  expect(audits.map((a) => [a.name, a.results.filter((r) => r.outcome !== 'pass')])).toEqual([
    ['unwired', []],
    ['wired', []],
  ]);
}, 30_000);

test('its PodDisruptionBudget deleted: a warning naming the fix, still exit 0; required by the policy: exit 1', async () => {
  await kubectlOk(['delete', 'poddisruptionbudget', 'wired', '-n', ns]);
  const run = await audit();
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(
    `StatefulSet ${ns}/wired (policy default): passing, with 1 warning\n  warn disruptionBudget: spec.template.metadata.labels: found no PodDisruptionBudget in namespace ${ns} selecting the pods (app.kubernetes.io/name=wired)`,
  );
  expect(run.stdout).toContain('kustomize/components/disruption-budget');
  const required = mkdtempSync(join(tmpdir(), 'rrw-audit-policies-'));
  try {
    writeFileSync(
      join(required, 'required.yaml'),
      `apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata: {name: required}\nspec: {namespaces: [${ns}], disruptionBudget: required}\n`,
    );
    const strict = await runCli(['audit', '-n', ns, '--policies', required]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(`StatefulSet ${ns}/wired (policy required): failing 1 check\n  fail disruptionBudget:`);
  } finally {
    rmSync(required, { recursive: true, force: true });
  }
}, 30_000);

test('a cluster that cannot be read is exit 2 with the reason', async () => {
  const run = await runCli(['audit', '--kubeconfig', '/nonexistent/kubeconfig']);
  expect(run.code).toBe(2);
  expect(run.stderr).toBe("audit: ENOENT: no such file or directory, open '/nonexistent/kubeconfig'\n");
}, 30_000);
