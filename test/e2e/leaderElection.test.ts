import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { V1Lease, V1Role } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { eventually } from '../fixtures/eventually.js';
import { applyCrds, kubectl, kubectlOk, testNamespaces } from '../fixtures/kubectl.js';
import { replicationGroupYaml } from '../fixtures/manifest.js';
import { bindClusterRoleFiles, serviceAccountKubeconfig } from '../fixtures/serviceAccountKubeconfig.js';
import { startWebhook, type WebhookProcess } from '../fixtures/webhookProcess.js';

// Two replicas of `serve --audit-interval --leader-elect` against the real API server, with the shipped
// RBAC (the base's Role for the Lease, the ClusterRoles of the base and the audit component): one holds
// the Lease and runs the audit, the other only answers admissions; the holder killed, the other takes the
// Lease over and the reports keep being published; the last one stopped gives the Lease up.
const repo = fileURLToPath(new URL('../../', import.meta.url));
const namespaces = testNamespaces('e2e-election');
let ns: string;
let unbind: (() => Promise<void>) | undefined;
let kubeconfig: string;
const replicas: WebhookProcess[] = [];
/** Short, so a takeover fits a test; the defaults are client-go's (15 s, 10 s, 2 s). */
const timing = ['--leader-elect-lease-duration', '6s', '--leader-elect-renew-deadline', '4s', '--leader-elect-retry-period', '500ms'];

const lease = async (): Promise<V1Lease | undefined> => {
  const found = await kubectl(['get', 'lease', 'redis-replication-webhook', '-n', ns, '-o', 'json']);
  return found.code === 0 ? (JSON.parse(found.stdout) as V1Lease) : undefined;
};
/** The identity a replica logged when it started leading, once it has. */
const leadingIdentity = (replica: WebhookProcess) => /"message":"leading: background loops started","identity":"([^"]+)"/.exec(replica.logs())?.[1];
const auditsPublished = (replica: WebhookProcess) => replica.logs().split('"message":"audit published"').length - 1;
const leadingMetric = async (replica: WebhookProcess) => /^redis_replication_webhook_leading (\d)$/m.exec((await replica.get('/metrics')).body)?.[1];

function startReplica() {
  return startWebhook(['--audit-interval', '1h', '--leader-elect', '--leader-elect-resource-namespace', ns, ...timing], {
    env: { KUBECONFIG: kubeconfig },
  }).then((replica) => (replicas.push(replica), replica));
}

beforeAll(async () => {
  await applyCrds(execFileSync('bash', [`${repo}test/cluster/policyreport-crds.sh`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }));
  ns = await namespaces.create();
  await kubectlOk(['create', 'serviceaccount', 'webhook', '-n', ns]);
  // The shipped Role and its binding, moved into this test's namespace.
  const role = parse(readFileSync(`${repo}kustomize/base/role.yaml`, 'utf8')) as V1Role;
  role.metadata = { name: 'webhook-lease', namespace: ns };
  await kubectlOk(['apply', '-f', '-'], JSON.stringify(role));
  await kubectlOk(['create', 'rolebinding', 'webhook-lease', '-n', ns, '--role', 'webhook-lease', '--serviceaccount', `${ns}:webhook`]);
  unbind = await bindClusterRoleFiles(ns, 'webhook', ['kustomize/base/cluster-role.yaml', 'kustomize/components/audit/cluster-role.yaml']);
  kubeconfig = await serviceAccountKubeconfig(ns, 'webhook');
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
  await unbind?.();
  await namespaces.deleteAll();
}, 60_000);

test('one replica leads and audits; killed, the other takes the Lease over and audits; stopped, it gives the Lease up', async () => {
  const first = await startReplica();
  const firstIdentity = await eventually(() => leadingIdentity(first), 30_000, 'the first replica leading');
  await eventually(() => auditsPublished(first) || undefined, 30_000, 'its first audit');
  const second = await startReplica();
  expect((await lease())?.spec?.holderIdentity).toBe(firstIdentity);

  // A labeled StatefulSet created: the holder audits it; the other, which has been trying the Lease all
  // along, runs nothing.
  const before = auditsPublished(first);
  await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'sessions'));
  await eventually(() => (auditsPublished(first) > before ? true : undefined), 30_000, 'the holder auditing the new StatefulSet');
  expect(leadingIdentity(second)).toBeUndefined();
  expect(auditsPublished(second)).toBe(0);
  expect([await leadingMetric(first), await leadingMetric(second)]).toEqual(['1', '0']);

  // The holder dies without giving the Lease up: the other takes it once the lease duration has passed.
  const killed = Date.now();
  await first.stop('SIGKILL');
  const secondIdentity = await eventually(() => leadingIdentity(second), 60_000, 'the second replica taking over');
  const tookOverMs = Date.now() - killed;
  await eventually(() => auditsPublished(second) || undefined, 30_000, "the new holder's audit");
  const taken = await lease();
  expect(taken?.spec).toMatchObject({ holderIdentity: secondIdentity, leaseTransitions: 1 });
  expect(await leadingMetric(second)).toBe('1');
  // Not before the 6 s lease duration: a dead holder's Lease is never taken early.
  expect(tookOverMs).toBeGreaterThanOrEqual(5_000);
  console.info(`leader election: the second replica led ${tookOverMs} ms after the holder was killed (lease duration 6 s, retry 0.5 s)`);

  // Stopped as Kubernetes stops a pod: the Lease is given up at once, for the next replica.
  await second.stop('SIGTERM');
  expect((await lease())?.spec?.holderIdentity).toBe('');
}, 240_000);
