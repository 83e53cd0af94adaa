import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CoreV1Event, V1Pod, V1PodList, V1StatefulSet } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { kubectl, kubectlOk } from '../fixtures/kubectl.js';
import { eventually, report as reportFacts } from '../fixtures/eventually.js';
import { replicationGroupYaml } from '../fixtures/manifest.js';
import { describePods, podsReady } from '../fixtures/nodePods.js';
import { assertBuilt, runVerify, type CliRun } from '../fixtures/runVerify.js';
import { serviceAccountKubeconfig } from '../fixtures/serviceAccountKubeconfig.js';
import { kubernetesApis } from '../../src/commands/verify/kubernetesApis.js';
import { recordOutcome } from '../../src/commands/verify/recordOutcome.js';
import { webhookPolicies } from '../fixtures/webhookPolicies.js';

// The promotion check against the local cluster (test/cluster/): the StatefulSet controller creates the
// Pods, the webhook shapes them, the scheduler and the real node's kubelet run them, each Ready once its
// stored readiness probe passes, so that OrderedReady moves on to the next ordinal. `verify --statefulset`
// then finds everything through the API, from this host and as the shipped Job on the node.

const execFileP = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
// The name the promotion-check component is written for, so its Role applies unchanged.
const name = 'redis';
const ns = `e2e-verify-${process.pid}`;
const policyName = `e2e-verify-${process.pid}`;
const replicas = 3;
// A port other than the default, so the test shows verify reading it from the webhook's init container.
const port = 7000;
const policyFile = () => join(process.env.RRW_POLICIES_DIR!, `${policyName}.yaml`);

const scratch = mkdtempSync(join(tmpdir(), 'rrw-e2e-verify-'));
/** The pods' addresses, pod 0 first. */
let pods: { address: string }[] = [];

interface JsonReport {
  result: string;
  summary: string;
  members: { name: string; address: string; podReady?: boolean }[];
  checks: { check: string; member: string; status: string; expected: string; found: string }[];
}

/** The JSON report of a run that exited with `code`; otherwise fails with everything the run printed. */
function report(run: CliRun, code: number): JsonReport {
  if (run.code !== code)
    throw new Error(`verify: expected exit ${code}; found ${run.code} after ${run.elapsedMs} ms\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return JSON.parse(run.stdout) as JsonReport;
}

async function resourceVersion(kind: string, objectName: string): Promise<string> {
  return kubectlOk(['get', kind, objectName, '-n', ns, '-o', 'jsonpath={.metadata.resourceVersion}']);
}

async function getPod(podName: string): Promise<V1Pod | undefined> {
  const result = await kubectl(['get', 'pod', podName, '-n', ns, '-o', 'json']);
  return result.code === 0 ? (JSON.parse(result.stdout) as V1Pod) : undefined;
}

async function getStatefulSet(): Promise<V1StatefulSet> {
  return JSON.parse(await kubectlOk(['get', 'statefulset', name, '-n', ns, '-o', 'json'])) as V1StatefulSet;
}

/** The role label of every pod of the group, by pod name (undefined: no label). */
async function roles(): Promise<Record<string, string | undefined>> {
  const pods = JSON.parse(await kubectlOk(['get', 'pods', '-n', ns, '-l', `app.kubernetes.io/name=${name}`, '-o', 'json'])) as V1PodList;
  return Object.fromEntries(pods.items.map((p) => [p.metadata!.name!, p.metadata!.labels?.['redis-replication/role']]));
}

async function verifiedAnnotation(): Promise<unknown> {
  const value = (await getStatefulSet()).metadata!.annotations?.['redis-replication/verified'];
  return value === undefined ? undefined : JSON.parse(value);
}

async function events(reason: string): Promise<CoreV1Event[]> {
  const selector = `involvedObject.kind=StatefulSet,involvedObject.name=${name},reason=${reason}`;
  return (JSON.parse(await kubectlOk(['get', 'events', '-n', ns, '--field-selector', selector, '-o', 'json'])) as { items: CoreV1Event[] }).items;
}

/** The promotion-check component's objects, built by kustomize with this test's StatefulSet. */
async function promotionCheck(): Promise<{ kind: string; metadata: { name: string }; spec?: { selector?: Record<string, string> } }[]> {
  const dir = mkdtempSync(join(scratch, 'kustomization-'));
  const component = join(repo, 'kustomize', 'components', 'promotion-check');
  writeFileSync(join(dir, 'statefulset.yaml'), JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name } }));
  // kustomize takes components by relative path only.
  writeFileSync(join(dir, 'kustomization.yaml'), JSON.stringify({ resources: ['statefulset.yaml'], components: [relative(dir, component)] }));
  const built = await kubectlOk(['kustomize', '--load-restrictor=LoadRestrictionsNone', dir]);
  return parseAllDocuments(built)
    .map((d) => d.toJSON() as { kind: string; metadata: { name: string }; spec?: { selector?: Record<string, string> } })
    .filter((d) => d.kind !== 'StatefulSet');
}

/** The selector of the promotion-check component's leader Service. */
async function leaderSelector(): Promise<string> {
  const service = (await promotionCheck()).find((d) => d.kind === 'Service');
  return Object.entries(service!.spec!.selector!)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

beforeAll(async () => {
  assertBuilt();
  await kubectlOk(['create', 'namespace', ns]);
  // A policy for this namespace only: a port of its own, and no 5 s wait before a follower's first sync.
  writeFileSync(
    policyFile(),
    [
      'apiVersion: redis-replication.io/v1alpha1',
      'kind: ReplicationPolicy',
      `metadata: {name: ${policyName}}`,
      'spec:',
      `  namespaces: [${ns}]`,
      `  port: ${port}`,
      '  config: {repl-diskless-sync-delay: "0"}',
      '',
    ].join('\n'),
  );
  await eventually(
    async () => ((await webhookPolicies()).includes(policyName) ? true : undefined),
    15_000,
    `the webhook to load policy ${policyName}`,
  );
  const appliedAt = Date.now();
  await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, name));

  // OrderedReady: the controller creates pod N+1 only once pod N is Ready on the node.
  const ready = await podsReady(ns, `app.kubernetes.io/name=${name}`, replicas, 240_000);
  reportFacts('a 3-member group on the node (OrderedReady, the injected probes)', { 'apply to every pod Ready (ms)': Date.now() - appliedAt });
  pods = ready.map((p) => ({ address: p.status!.podIP! }));
  await eventually(
    async () => ((await getStatefulSet()).status?.readyReplicas === replicas ? true : undefined),
    20_000,
    `the StatefulSet to count ${replicas} ready replicas`,
  );
}, 300_000);

afterAll(async () => {
  rmSync(policyFile(), { force: true });
  rmSync(scratch, { recursive: true, force: true });
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
}, 30_000);

describe('verify --statefulset through the API server', () => {
  test('the pods the controller created, shaped by the policy, pass; roles, annotation and Event are recorded', async () => {
    const sts = await getStatefulSet();
    expect(sts.metadata!.annotations!['redis-replication/mutated-by']).toContain(`policy=${policyName}`);

    const run = await runVerify(['--namespace', ns, '--statefulset', name, '--timeout', '60', '--output', 'json']);
    const result = report(run, 0);
    expect({ result: result.result, unmet: result.checks.filter((c) => c.status !== 'passed') }).toEqual({ result: 'passed', unmet: [] });
    // Discovered through the API: the pod IPs, and the port from the webhook's init container (no --port given).
    expect(result.members).toEqual(pods.map((pod, ordinal) => ({ name: `${name}-${ordinal}`, address: `${pod.address}:${port}`, podReady: true })));
    expect(result.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['canary-acknowledged', 'canary-replicated', 'canary-removed']));

    expect(await roles()).toEqual({ [`${name}-0`]: 'leader', [`${name}-1`]: 'follower', [`${name}-2`]: 'follower' });
    // What the promotion-check component's leader Service selects, built for this StatefulSet.
    const leaders = await kubectlOk(['get', 'pods', '-n', ns, '-l', await leaderSelector(), '-o', 'name']);
    expect(leaders.trim()).toBe(`pod/${name}-0`);
    expect(await verifiedAnnotation()).toEqual({ time: expect.any(String), result: 'passed', summary: result.summary });
    // The first passing check marks the data it vouched for: a key on the leader, its value on the StatefulSet.
    const marker = (await getStatefulSet()).metadata!.annotations!['redis-replication/data-marker'];
    expect(marker).toMatch(/^[0-9a-f-]{36} \d{4}-\d\d-\d\dT/);
    expect((await execFileP('redis-cli', ['-h', pods[0].address, '-p', String(port), 'get', 'redis-replication:data-marker'])).stdout.trim()).toBe(
      marker,
    );
    const verified = await events('ReplicationVerified');
    expect(verified).toHaveLength(1);
    expect(verified[0]).toMatchObject({ type: 'Normal', message: result.summary, involvedObject: { uid: sts.metadata!.uid } });
  }, 90_000);

  test("the promotion-check component's ServiceAccount and Role are enough to verify and record", async () => {
    const component = join(repo, 'kustomize', 'components', 'promotion-check');
    await kubectlOk(['apply', '-n', ns, ...['service-account.yaml', 'role.yaml', 'role-binding.yaml'].flatMap((f) => ['-f', join(component, f)])]);
    // A label to write, so that the run needs every permission it has: pod patch, StatefulSet get and patch, pod list, Event create.
    await kubectlOk(['label', 'pod', `${name}-1`, '-n', ns, 'redis-replication/role-']);
    const kubeconfig = await serviceAccountKubeconfig(ns, 'redis-promotion-check');
    // The token is no more than the Role: it cannot read Secrets, nor write the pod template.
    expect((await kubectl(['--kubeconfig', kubeconfig, 'auth', 'can-i', 'list', 'secrets', '-n', ns])).stdout.trim()).toBe('no');
    expect((await kubectl(['--kubeconfig', kubeconfig, 'auth', 'can-i', 'update', `statefulset/${name}`, '-n', ns])).stdout.trim()).toBe('no');
    const untouched = [`${name}-0`, `${name}-2`];
    const versionsBefore = await Promise.all(untouched.map((pod) => resourceVersion('pod', pod)));

    const run = await runVerify(['--kubeconfig', kubeconfig, '--namespace', ns, '--statefulset', name, '--timeout', '60', '--output', 'json']);
    expect(report(run, 0).result).toBe('passed');
    expect(await roles()).toEqual({ [`${name}-0`]: 'leader', [`${name}-1`]: 'follower', [`${name}-2`]: 'follower' });
    // Pods whose label was already right are not written.
    expect(await Promise.all(untouched.map((pod) => resourceVersion('pod', pod)))).toEqual(versionsBefore);
    expect(await events('ReplicationVerified')).toHaveLength(2);
  }, 60_000);

  test('the shipped Job, run on the node from the image built from the Dockerfile, verifies in the cluster and records the roles', async () => {
    // The component's ServiceAccount, Role and binding are in place (the test before): the Job and the leader Service now.
    const objects = (await promotionCheck()).filter((o) => o.kind === 'Job' || o.kind === 'Service');
    await kubectlOk(['label', 'pod', `${name}-2`, '-n', ns, 'redis-replication/role-']);
    await kubectlOk(['apply', '-n', ns, '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    const job = 'redis-promotion-check';
    const status = await eventually(
      async () => {
        const found = JSON.parse(await kubectlOk(['get', 'job', job, '-n', ns, '-o', 'json'])) as {
          status?: { succeeded?: number; failed?: number };
        };
        return found.status?.succeeded || found.status?.failed ? found.status : undefined;
      },
      180_000,
      'the promotion-check Job to finish',
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}:\n${await describePods(ns)}`);
    });
    const logs = await kubectl(['logs', '-n', ns, `job/${job}`]);
    expect({ status, logs: logs.stdout + logs.stderr }).toEqual({
      status: expect.objectContaining({ succeeded: 1 }),
      logs: expect.stringContaining('PASSED'),
    });
    expect(await roles()).toEqual({ [`${name}-0`]: 'leader', [`${name}-1`]: 'follower', [`${name}-2`]: 'follower' });
    // The leader Service's endpoints hold pod 0, by the label the Job wrote.
    await eventually(
      async () => {
        const slices = JSON.parse(
          await kubectlOk(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=redis-leader', '-o', 'json']),
        ) as { items: { endpoints?: { addresses: string[] }[] }[] };
        const addresses = slices.items.flatMap((i) => (i.endpoints ?? []).flatMap((e) => e.addresses));
        return addresses.join() === pods[0].address ? true : undefined;
      },
      30_000,
      'the leader Service to hold pod 0',
    );
  }, 240_000);

  test('a group whose data is gone (the leader flushed, the followers with it) fails data-kept at once; the marker is not replaced', async () => {
    const marker = (await getStatefulSet()).metadata!.annotations!['redis-replication/data-marker'];
    await execFileP('redis-cli', ['-h', pods[0].address, '-p', String(port), 'flushall']);

    const run = await runVerify(['--namespace', ns, '--statefulset', name, '--timeout', '60', '--output', 'json']);
    const result = report(run, 1);
    expect(result.checks.filter((c) => c.status !== 'passed')).toEqual([
      expect.objectContaining({
        member: `${name}-0`,
        check: 'data-kept',
        found: "none: the group's data is gone (a leader restarted empty, and its followers resynced from it?)",
      }),
    ]);
    // A verdict at once: waiting does not bring the data back (had it waited, it would have taken the whole timeout).
    expect(run.elapsedMs).toBeLessThan(60_000);
    expect((await getStatefulSet()).metadata!.annotations!['redis-replication/data-marker']).toBe(marker);
    expect((await events('ReplicationBroken')).map((e) => e.message)).toEqual([expect.stringContaining('data-kept')]);
    // For the tests after this one: the data as it was, marker included.
    await execFileP('redis-cli', ['-h', pods[0].address, '-p', String(port), 'set', 'redis-replication:data-marker', marker]);
  }, 90_000);

  test('a follower that left the group fails the check: its role label comes off, the annotation and a Warning Event say so', async () => {
    await execFileP('redis-cli', ['-h', pods[2].address, '-p', String(port), 'replicaof', 'no', 'one']);

    const run = await runVerify(['--namespace', ns, '--statefulset', name, '--timeout', '2', '--output', 'json']);
    const result = report(run, 1);
    expect(result.result).toBe('failed');
    expect(result.checks.filter((c) => c.status === 'failed')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ member: `${name}-2`, check: 'follower-role', found: 'role master' }),
        expect.objectContaining({ member: `${name}-0`, check: 'leader-replicas', found: 'connected_slaves:1' }),
      ]),
    );

    expect(await roles()).toEqual({ [`${name}-0`]: 'leader', [`${name}-1`]: 'follower', [`${name}-2`]: undefined });
    expect(await verifiedAnnotation()).toEqual({ time: expect.any(String), result: 'failed', summary: result.summary });
    // The second Warning; the first was the data-kept test's.
    const broken = (await events('ReplicationBroken')).filter((e) => e.message?.includes('follower-role'));
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ type: 'Warning', message: result.summary.length <= 1024 ? result.summary : expect.stringMatching(/\.\.\.$/) });
  }, 60_000);

  test('a pod deleted and recreated under the same name after the check is not given the role the old pod was verified in', async () => {
    const podName = `${name}-stale`;
    const manifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName, namespace: ns },
      spec: { containers: [{ name: 'redis', image: 'redis:7.2' }] },
    });
    await kubectlOk(['create', '-f', '-'], manifest);
    const verified = (await getPod(podName))!;
    // Gone (the kubelet stops it at once), the same name then comes back as another pod.
    await kubectlOk(['delete', 'pod', podName, '-n', ns, '--grace-period=0', '--force', '--wait=true']);
    await kubectlOk(['create', '-f', '-'], manifest);
    const group = { statefulSet: await getStatefulSet(), pods: [verified], members: [{ name: podName, host: pods[0].address, port, aliases: [] }] };
    const results = [{ member: podName, check: 'leader-role' as const, status: 'passed' as const, expected: 'role master', found: 'role master' }];

    const recording = recordOutcome(
      await kubernetesApis(undefined),
      group,
      results,
      { result: 'passed', summary: 'verified before the pod was recreated' },
      new Date(),
    );
    await expect(recording).rejects.toThrow(
      `1 of 3 writes failed:\n- pod ${ns}/${podName} label: expected the write to succeed; found the pod recreated since it was verified (another uid)`,
    );
    expect((await getPod(podName))!.metadata!.labels?.['redis-replication/role']).toBeUndefined();
  }, 30_000);
});
