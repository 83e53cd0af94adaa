import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from '../fixtures/eventually.js';
import { kubectl, kubectlOk } from '../fixtures/kubectl.js';
import { replicationGroupYaml } from '../fixtures/manifest.js';
import type { AdmissionReview } from '../../src/wire/admissionReview.js';
import { startWebhook, type WebhookProcess } from '../fixtures/webhookProcess.js';
import { webhookCounter } from '../fixtures/webhookPolicies.js';

// Scale requests through the real API server with the webhook's watch of labeled StatefulSets
// (serve --watch-statefulsets): a StatefulSet that is not ours is answered from memory, one that is ours
// is still checked, and the watch follows labels, deletes, an expired watch and API server restarts.
const cluster = fileURLToPath(new URL('../cluster/', import.meta.url));
const ns = `e2e-scale-${process.pid}`;
const reads = () => webhookCounter('redis_replication_webhook_api_reads_total', { object: 'statefulset' });
const apiserver = (action: 'stop' | 'start' | 'compact') => execFileSync('bash', [`${cluster}apiserver.sh`, action], { stdio: 'inherit' });

/** Whether scaling to 20 (outside the default policy's 2 to 9) is refused, as a dry run. */
async function refusesTwenty(name: string): Promise<boolean> {
  const result = await kubectl(['scale', 'statefulset', name, '-n', ns, '--replicas=20', '--dry-run=server']);
  if (result.code !== 0 && !result.stderr.includes('spec.replicas: found 20; allowed 2 to 9')) throw new Error(`scale ${name}: ${result.stderr}`);
  return result.code !== 0;
}

/** Waits until the watch has seen the StatefulSet as `labeled` or not: a scale to 20 is refused, or passes. */
async function watchSees(name: string, labeled: boolean): Promise<number> {
  const started = Date.now();
  await eventually(
    async () => ((await refusesTwenty(name)) === labeled ? true : undefined),
    15_000,
    `the scale of ${name} to be ${labeled ? 'refused' : 'allowed'}`,
    50,
  );
  return Date.now() - started;
}

async function create(name: string, labeled: boolean): Promise<void> {
  await kubectlOk(
    ['apply', '-f', '-'],
    replicationGroupYaml(ns, name, (s) => (labeled ? undefined : delete s.metadata!.labels!['redis-replication'])),
  );
}

/** A scale review of `name` in the test's namespace, as the API server sends it for `kubectl scale`. */
function scaleReview(name: string, replicas: number): AdmissionReview {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `scale-${name}-${replicas}`,
      kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      resource: { group: 'apps', version: 'v1', resource: 'statefulsets' },
      subResource: 'scale',
      name,
      namespace: ns,
      operation: 'UPDATE',
      object: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace: ns }, spec: { replicas } },
    },
  };
}

beforeAll(async () => {
  await kubectlOk(['create', 'namespace', ns]);
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
});

test('the scale of a StatefulSet that is not ours reads nothing through the API; one that is ours is still checked', async () => {
  await create('plain', false);
  await create('ours', true);
  await watchSees('ours', true);
  const before = await reads();
  for (const replicas of [2, 3, 4]) await kubectlOk(['scale', 'statefulset', 'plain', '-n', ns, `--replicas=${replicas}`]);
  expect(await reads()).toBe(before);
  expect(await refusesTwenty('ours')).toBe(true);
  await kubectlOk(['scale', 'statefulset', 'ours', '-n', ns, '--replicas=4']);
}, 30_000);

test('labeled, unlabeled, deleted and recreated: the watch follows within moments', async () => {
  await create('relabel', false);
  await kubectlOk(['label', 'statefulset', 'relabel', '-n', ns, 'redis-replication=enabled']);
  // A StatefulSet labeled a moment ago may still be scaled unchecked: the trade of answering from memory.
  const labeledAfterMs = await watchSees('relabel', true);
  await kubectlOk(['label', 'statefulset', 'relabel', '-n', ns, 'redis-replication-']);
  const unlabeledAfterMs = await watchSees('relabel', false);
  await kubectlOk(['label', 'statefulset', 'relabel', '-n', ns, 'redis-replication=enabled']);
  await watchSees('relabel', true);
  await kubectlOk(['delete', 'statefulset', 'relabel', '-n', ns, '--wait=true']);
  await create('relabel', false);
  const recreatedAfterMs = await watchSees('relabel', false);
  console.info(`watch lag: labeled ${labeledAfterMs} ms, unlabeled ${unlabeledAfterMs} ms, recreated unlabeled ${recreatedAfterMs} ms`);
}, 60_000);

test('an expired watch ("410 Gone" after an etcd compaction) and an API server restart: listed again, checks go on', async () => {
  await create('before-restart', true);
  await watchSees('before-restart', true);
  apiserver('compact');
  apiserver('stop');
  apiserver('start');
  // Changes made after the restart reach the webhook only through a new list or watch.
  await create('after-restart', true);
  await watchSees('after-restart', true);
  await kubectlOk(['label', 'statefulset', 'before-restart', '-n', ns, 'redis-replication-']);
  await watchSees('before-restart', false);
}, 90_000);

test('a webhook started while the API server is down serves at once, and lists and watches once it is back', async () => {
  await create('while-down', true);
  apiserver('stop');
  let webhook: WebhookProcess | undefined;
  try {
    webhook = await startWebhook(['--watch-statefulsets']);
    // Serving already; the scale of a StatefulSet needs the API until the watch has listed: a failure (500), so
    // the webhook configuration's failurePolicy decides.
    expect((await webhook.post('/validate', scaleReview('while-down', 20))).status).toBe(500);
    apiserver('start');
    await eventually(() => (webhook!.logs().includes('labeled StatefulSets listed and watched') ? true : undefined), 30_000, 'the watch to list');
    const denied = (await webhook.post('/validate', scaleReview('while-down', 20))).json().response;
    if (denied.allowed !== false) throw new Error(`expected the scale refused; found ${JSON.stringify(denied)}\n${webhook.logs()}`);
    expect(denied.status.message).toContain('spec.replicas: found 20; allowed 2 to 9');
    expect((await webhook.post('/validate', scaleReview('not-there', 20))).json().response.allowed).toBe(true);
    expect(webhook.logs()).toContain('labeled StatefulSets not watched; admissions read them through the API');
  } finally {
    await webhook?.stop();
    // Whatever failed above, the other test files need the API server.
    if ((await kubectl(['get', '--raw', '/readyz'])).code !== 0) apiserver('start');
  }
}, 90_000);
