import type { KubernetesObject, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { asTheMessagesSay, corpusObjects, corpusTable, statefulSetOf, type Verdict } from '../fixtures/corpus.js';
import type { StatefulSetAudit } from '../../src/audit/auditStatefulSet.js';
import { kubectl, kubectlOk } from '../fixtures/kubectl.js';
import { runCli } from '../fixtures/runCli.js';
import { eventually } from '../fixtures/eventually.js';
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

describe.each(table)('$file', ({ file, asFound, asTheMessagesSay: fixed }) => {
  test('as found: kubectl apply --dry-run=server gets the verdict of the table', async () => {
    const ns = await namespace();
    const objects = corpusObjects(file);
    await createSupporting(objects, ns);
    const result = await kubectl(['apply', '--dry-run=server', '-n', ns, '-f', '-'], yaml([statefulSetOf(objects)]));
    if (!asFound.admitted) expect(result.stderr).toContain('admission webhook "validate.redis-replication.io" denied the request');
    expect(verdictOf(result)).toEqual(asFound);
  }, 30_000);

  if (!fixed.admitted) return;

  test('as the messages say: admitted, and the StatefulSet controller creates pod 0 (in a restricted namespace when the file was restricted-compatible)', async () => {
    const objects = asTheMessagesSay(corpusObjects(file));
    const sts = statefulSetOf(objects);
    // Was the file's pod restricted-compatible before the webhook touched it? The webhook never sees Pods.
    const probe = await namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    const original: V1Pod = statefulSetPod(sts, 0);
    const restricted = (await kubectl(['create', '--dry-run=server', '-n', probe, '-f', '-'], yaml([original]))).code === 0;
    const ns = restricted ? probe : await namespace();
    if (restricted) ranRestricted.push(file);
    await createSupporting(objects, ns);
    const applied = await kubectl(['apply', '-n', ns, '-f', '-'], yaml([sts]));
    expect(verdictOf(applied)).toEqual(fixed);
    const stored = JSON.parse(await kubectlOk(['get', 'statefulset', sts.metadata!.name!, '-n', ns, '-o', 'json'])) as V1StatefulSet;
    expect(stored.metadata!.annotations?.['redis-replication/mutated-by']).toBeDefined();
    // The audit of it as stored (defaulted by the API server) agrees: wired as this webhook wires it, the same warnings.
    const audit = await runCli(['audit', '-n', ns, '--policies', process.env.RRW_POLICIES_DIR!, '--output', 'json']);
    expect(audit).toMatchObject({ code: 0, stderr: '' });
    const [results] = (JSON.parse(audit.stdout) as { statefulSets: StatefulSetAudit[] }).statefulSets.map((a) => a.results);
    expect(results.find((r) => r.check === 'wiring')?.outcome).toBe('pass');
    expect(results.filter((r) => r.outcome === 'warn').map((r) => r.check)).toEqual(fixed.warned);
    const pod = `${sts.metadata!.name}-0`;
    await eventually(
      async () => {
        const found = await kubectl(['get', 'pod', pod, '-n', ns, '-o', 'name']);
        if (found.code === 0) return true;
        // Why the controller could not create it (e.g. PodSecurity), for the failure message.
        const events = await kubectl(['get', 'events', '-n', ns, '--field-selector', 'reason=FailedCreate', '-o', 'jsonpath={.items[*].message}']);
        if (events.stdout !== '')
          throw new Error(`the StatefulSet controller could not create ${pod}${restricted ? ' in a restricted namespace' : ''}: ${events.stdout}`);
        return undefined;
      },
      30_000,
      `pod ${pod}`,
    );
  }, 60_000);
});
