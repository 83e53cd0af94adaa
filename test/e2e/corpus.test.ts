import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { KubernetesObject, V1Pod, V1Secret, V1StatefulSet } from '@kubernetes/client-node';
import { initContainerName } from '../../src/wire/replicationNames.js';
import { asTheMessagesSay, corpusObjects, corpusTable, groupPassword, missingObjects, statefulSetOf, type Verdict } from '../fixtures/corpus.js';
import type { StatefulSetAudit } from '../../src/core/audit/auditStatefulSet.js';
import { kubectl, kubectlOk } from '../fixtures/kubectl.js';
import { runCli } from '../fixtures/runCli.js';
import { describePods, podsReady, storageClassOnNode } from '../fixtures/nodePods.js';
import { assertPasswordRequired, assertVerifyPasses } from '../fixtures/replicates.js';
import { statefulSetPod } from '../fixtures/kubelet/statefulSetPods.js';

// Every corpus file through the real API server and the registered webhook: the same verdicts as the
// core gives in test/unit/corpus.test.ts. The file's other objects (Services, ConfigMaps, Secrets) are
// created first, as an apply of the whole file would, so the webhook reads the governing Service.
const table = corpusTable();
let counter = 0;
/** The files whose pods were created in a restricted namespace: those restricted-compatible as found. */
const ranRestricted: string[] = [];

afterAll(() => {
  // The two corpus files written for the restricted standard; a regression in the probe would drop them silently.
  expect(ranRestricted.sort()).toEqual(['turing-args-redis-server-configmap-nonroot.yaml', 'usg-radius-valkey-args-readonly-rootfs.yaml']);
});

async function namespace(labels: Record<string, string> = {}): Promise<string> {
  counter += 1;
  const name = `corpus-${process.pid}-${counter}`;
  await kubectlOk(['create', 'namespace', name]);
  if (Object.keys(labels).length > 0) await kubectlOk(['label', 'namespace', name, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  return name;
}

/** As JSON: YAML written by a YAML 1.2 library leaves `yes` unquoted, which kubectl (YAML 1.1) reads as true. */
const yaml = (objects: readonly KubernetesObject[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });

/** Creates the file's objects other than the StatefulSet in `ns`. */
async function createSupporting(objects: readonly KubernetesObject[], ns: string): Promise<void> {
  const others = objects.filter((o) => o.kind !== 'StatefulSet');
  if (others.length > 0) await kubectlOk(['apply', '-n', ns, '-f', '-'], yaml(others));
}

/** kubectl's verdict on the StatefulSet as the rules the webhook named in a denial and in warnings. */
function verdictOf(result: { code: number; stderr: string }): Verdict {
  const denial = result.stderr
    .split('\n')
    .filter((l) => !l.startsWith('Warning:'))
    .join('\n');
  const rules = (text: string, warn: boolean) => [
    ...new Set([...text.matchAll(/\[rule (\w+)(, warn)?\]/g)].filter((m) => (m[2] !== undefined) === warn).map((m) => m[1])),
  ];
  return { admitted: result.code === 0, refused: rules(denial, false), warned: rules(result.stderr, true) };
}

describe.each(table)('$file', ({ file, asFound }) => {
  test('as found: kubectl apply --dry-run=server gets the verdict of the table', async () => {
    const ns = await namespace();
    const objects = corpusObjects(file);
    await createSupporting(objects, ns);
    const result = await kubectl(['apply', '--dry-run=server', '-n', ns, '-f', '-'], yaml([statefulSetOf(objects)]));
    if (!asFound.admitted) expect(result.stderr).toContain('admission webhook "validate.redis-replication.io" denied the request');
    expect(verdictOf(result)).toEqual(asFound);
  }, 30_000);
});

// Admitted means it replicates: every file admitted as the messages say runs on the real node, as stored,
// through the StatefulSet controller, the scheduler and the kubelet. What the repository does not hold is
// made up as its owner would have it: the Secrets and ConfigMaps it names, the node labels its nodeSelector
// asks for, the node file behind a hostPath, the StorageClasses its claims name.
const admitted = table.filter((row) => row.asTheMessagesSay.admitted);
const node = hostname();
const nodeLabels = Object.fromEntries(
  admitted.flatMap(({ file }) => Object.entries(statefulSetOf(corpusObjects(file)).spec!.template.spec!.nodeSelector ?? {})),
);
const nodeFiles = Object.assign(
  {},
  ...admitted.map(({ file }) => missingObjects(statefulSetOf(corpusObjects(file)).spec!.template.spec!, []).nodeFiles),
) as Record<string, string>;

const storageClasses = [
  ...new Set(
    admitted.flatMap(({ file }) =>
      (statefulSetOf(corpusObjects(file)).spec!.volumeClaimTemplates ?? []).flatMap((c) => c.spec?.storageClassName ?? []),
    ),
  ),
];

// Jest starts concurrent tests before beforeAll hooks run: each test awaits this set-up, made once.
let prepared: Promise<void> | undefined;
/** The topmost folder each node file needed that did not exist, removed after the tests. */
const madeFolders: string[] = [];
const prepareNode = () => (prepared ??= prepare());

async function prepare(): Promise<void> {
  for (const name of storageClasses) await storageClassOnNode(name, 3);
  const labels = Object.entries(nodeLabels).map(([k, v]) => `${k}=${v}`);
  if (labels.length > 0) await kubectlOk(['label', 'node', node, '--overwrite', ...labels]);
  for (const [path, text] of Object.entries(nodeFiles)) {
    // Ours when it holds what we write (left by an interrupted run); anything else is the machine's.
    if (existsSync(path) && readFileSync(path, 'utf8') !== text)
      throw new Error(`${path} exists on this machine: the test will not overwrite a node file it did not make`);
    const made = mkdirSync(dirname(path), { recursive: true });
    if (made !== undefined) madeFolders.push(made);
    writeFileSync(path, text);
  }
}

describe('admitted as the messages say, on the real node', () => {
  afterAll(async () => {
    for (const path of Object.keys(nodeFiles)) rmSync(path, { force: true });
    for (const folder of madeFolders) rmSync(folder, { recursive: true, force: true });
    const labels = Object.keys(nodeLabels).map((k) => `${k}-`);
    if (labels.length > 0) await kubectl(['label', 'node', node, ...labels]);
  }, 30_000);

  test.concurrent.each(admitted)(
    '$file: admitted, runs as stored (in a restricted namespace when the file was restricted-compatible), every pod Ready, verify passes, the password holds',
    async ({ file, asTheMessagesSay: fixed }) => {
      await prepareNode();
      const objects = asTheMessagesSay(corpusObjects(file));
      const sts = statefulSetOf(objects);
      // Was the file's pod restricted-compatible before the webhook touched it? The webhook never sees Pods.
      const probe = await namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' });
      const original: V1Pod = statefulSetPod(sts, 0);
      const restricted = (await kubectl(['create', '--dry-run=server', '-n', probe, '-f', '-'], yaml([original]))).code === 0;
      const ns = restricted ? probe : await namespace();
      if (restricted) ranRestricted.push(file);
      await createSupporting(objects, ns);
      const missing = missingObjects(sts.spec!.template.spec!, objects);
      if (missing.secrets.length + missing.configMaps.length > 0)
        await kubectlOk(['apply', '-n', ns, '-f', '-'], yaml([...missing.secrets, ...missing.configMaps]));
      const applied = await kubectl(['apply', '-n', ns, '-f', '-'], yaml([sts]));
      expect(verdictOf(applied)).toEqual(fixed);
      const stored = JSON.parse(await kubectlOk(['get', 'statefulset', sts.metadata!.name!, '-n', ns, '-o', 'json'])) as V1StatefulSet;
      expect(stored.metadata!.annotations?.['redis-replication/mutated-by']).toBeDefined();
      // The audit of it as stored (defaulted by the API server) agrees: wired as this webhook wires it, the same warnings.
      const audit = await runCli(['audit', '-n', ns, '--policies', process.env.RRW_POLICIES_DIR!, '--output', 'json']);
      expect(audit).toMatchObject({ code: 0, stderr: '' });
      const [results] = (JSON.parse(audit.stdout) as { statefulSets: StatefulSetAudit[] }).statefulSets.map((a) => a.results);
      expect(results.find((r) => r.check === 'wiring')?.outcome).toBe('pass');
      // Plus the audit's own: no PodDisruptionBudget selects the pods (no corpus file ships one).
      expect(results.filter((r) => r.outcome === 'warn').map((r) => r.check)).toEqual([...fixed.warned, 'disruptionBudget']);

      try {
        // Ready is the kubelet's verdict from the stored readiness probes.
        const selector = Object.entries(stored.spec!.selector.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        const pods = await podsReady(ns, selector, stored.spec!.replicas!, 240_000);
        const init = stored.spec!.template.spec!.initContainers!.find((c) => c.name === initContainerName)!;
        const port = Number(init.env!.find((e) => e.name === 'REDIS_PORT')!.value);
        const byOrdinal = pods.sort((a, b) => ordinal(a) - ordinal(b));
        const password = groupPassword(stored, [...(objects.filter((o) => o.kind === 'Secret') as V1Secret[]), ...missing.secrets]);
        await assertVerifyPasses({
          endpoints: byOrdinal.map((p) => `${p.status!.podIP}:${port}`).join(','),
          leaderAlias: `${stored.metadata!.name}-0.${stored.spec!.serviceName}.${ns}.svc.cluster.local`,
          label: file,
          ...(password === undefined ? {} : { password }),
          logs: () => describePods(ns),
        });
        if (password !== undefined) await assertPasswordRequired(byOrdinal[0].status!.podIP!, port, file);
      } finally {
        await kubectl(['delete', 'namespace', ns, '--wait=false']);
      }
    },
    300_000,
  );
});

const ordinal = (pod: V1Pod) => Number(pod.metadata!.name!.split('-').pop());
