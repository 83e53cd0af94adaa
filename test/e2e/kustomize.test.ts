import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { applyCrds, crdsEstablished, kubectl, kubectlOk } from '../fixtures/kubectl.js';

// The built overlays, dry-run by the real API server (test/cluster/): every object passes the API
// server's own validation, the CRD schemas (cert-manager's and ours), and the admission chain, our
// webhook included. Nothing of the overlays is stored: the webhook configurations especially, which
// would point the cluster at a Service that does not run here.
//
// The test cluster already holds the webhook registration of test/cluster/register-webhook.mjs under
// the overlays' names. A dry run against it would test an update of that (for server-side apply, one
// merged with its URL clientConfig, which is invalid), so the configurations are dry-run under names
// of their own: what a first install creates.

const repo = fileURLToPath(new URL('../../', import.meta.url));
const systemNamespace = 'redis-replication-system';
const ourCrd = `${repo}kustomize/base/crd/replicationpolicy-crd.yaml`;
let createdNamespace = false;
let createdArgocdNamespace = false;

interface Manifest {
  kind: string;
  metadata: { name: string };
}

function build(overlay: string): { yaml: string; objects: Manifest[] } {
  const built = execFileSync('kubectl', ['kustomize', `${repo}kustomize/overlays/${overlay}`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const objects = parseAllDocuments(built).map((d) => d.toJS() as Manifest);
  for (const object of objects) if (object.kind.endsWith('WebhookConfiguration')) object.metadata.name += '-dry-run';
  return { yaml: objects.map((o) => stringify(o)).join('---\n'), objects };
}

/**
 * kubectl moves objects it applied client-side (our CRD, the namespace: see beforeAll and the global
 * setup) to server-side ownership on their first server-side apply; a dry run cannot, and says so.
 */
function withoutOwnershipMigration(stderr: string): string {
  return stderr.replace(/^Warning: failed to migrate kubectl\.kubernetes\.io\/last-applied-configuration for Server-Side Apply\..*\n/gm, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The local registration of the webhook (register-webhook.mjs): a URL, not the overlays' Service. */
async function registeredClientConfigs(): Promise<string> {
  return kubectlOk(['get', 'validatingwebhookconfiguration', 'redis-replication-webhook', '-o', 'jsonpath={.webhooks[*].clientConfig}']);
}

beforeAll(async () => {
  // What the overlays need to exist first, as docs/deployment.md says: cert-manager's CRDs and ours,
  // established; and the namespace, which a dry run would not create for the objects in it.
  // Each from the Go module proxy (test/cluster/*-crds.sh): cert-manager's for every overlay, Knative
  // Serving's for the Knative overlay, Argo CD's for kustomize/argocd, prometheus-operator's
  // ServiceMonitor and PrometheusRule for the monitoring component.
  for (const script of ['cert-manager-crds.sh', 'knative-crds.sh', 'argocd-crds.sh', 'prometheus-operator-crds.sh'])
    await applyCrds(execFileSync('bash', [`${repo}test/cluster/${script}`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }));
  await kubectlOk(['apply', '-f', ourCrd]);
  await crdsEstablished(['replicationpolicies.redis-replication.io']);
  if ((await kubectl(['get', 'namespace', 'argocd'])).code !== 0) {
    await kubectlOk(['create', 'namespace', 'argocd']);
    createdArgocdNamespace = true;
  }
  if ((await kubectl(['get', 'namespace', systemNamespace])).code !== 0) {
    await kubectlOk(['apply', '-f', `${repo}kustomize/base/namespace.yaml`]);
    createdNamespace = true;
  }
}, 180_000);

afterAll(async () => {
  // The CRDs stay: other tests may rely on ours, and cert-manager's harm nothing.
  if (createdNamespace) await kubectl(['delete', 'namespace', systemNamespace, '--wait=false']);
  if (createdArgocdNamespace) await kubectl(['delete', 'namespace', 'argocd', '--wait=false']);
});

// Strict: an unknown field (a misspelt retry.backoff, say) is an error, not silently pruned by the CRD schema.
test("kustomize/argocd: the Applications, the root one and the argocd-cm health checks pass Argo CD's CRDs (strict dry run)", async () => {
  const built = execFileSync('kubectl', ['kustomize', `${repo}kustomize/argocd`], { encoding: 'utf8' });
  const files = [`${repo}kustomize/argocd/root-application.yaml`, `${repo}kustomize/argocd/argocd-cm-health-checks.yaml`];
  const result = await kubectl(
    ['apply', '--dry-run=server', '--server-side', '--validate=strict', '-f', '-', ...files.flatMap((f) => ['-f', f])],
    built,
  );
  expect(result.stderr).toBe('');
  expect(result.stdout.trim().split('\n').sort()).toEqual([
    'application.argoproj.io/redis-replication serverside-applied (server dry run)',
    'application.argoproj.io/redis-replication-webhook serverside-applied (server dry run)',
    'application.argoproj.io/redis-sample serverside-applied (server dry run)',
    'configmap/argocd-cm serverside-applied (server dry run)',
  ]);
}, 60_000);

describe.each(['default', 'production', 'knative'])('kustomize/overlays/%s', (overlay) => {
  test.each([
    ['client-side apply', []],
    ['server-side apply', ['--server-side']],
  ])(
    'passes kubectl apply --dry-run=server (%s)',
    async (_mode, flags) => {
      const registered = await registeredClientConfigs();
      const { yaml, objects } = build(overlay);
      const result = await kubectl(['apply', '--dry-run=server', ...flags, '-f', '-'], yaml);
      expect(withoutOwnershipMigration(result.stderr)).toBe('');
      expect(result.code).toBe(0);
      // One line per object, each marked as a dry run.
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(objects.length);
      for (const line of lines) expect(line).toMatch(/\(server dry run\)$/);
      for (const { kind, metadata } of objects)
        expect(result.stdout).toMatch(new RegExp(`^${kind.toLowerCase()}(\\.[a-z0-9.-]+)?/${escapeRegExp(metadata.name)} `, 'm'));
      // The Knative overlay has Knative's TLS in place of the webhook's own certificates.
      expect(objects.map((o) => o.kind)).toEqual(
        expect.arrayContaining(
          overlay === 'knative'
            ? ['Service', 'ReplicationPolicy', 'ValidatingWebhookConfiguration']
            : ['Certificate', 'Issuer', 'ReplicationPolicy', 'ValidatingWebhookConfiguration'],
        ),
      );
      // Nothing was stored: the local registration is as it was.
      expect(await registeredClientConfigs()).toBe(registered);
    },
    60_000,
  );
});

/** kustomize/base with one component, built as kubectl builds it: every object. */
function baseWithComponent(component: string): (Manifest & { spec?: { template?: { spec?: { containers?: { args?: string[] }[] } } } })[] {
  const dir = mkdtempSync(join(tmpdir(), 'rrw-component-'));
  // kustomize takes components by relative path only.
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    JSON.stringify({ resources: [relative(dir, `${repo}kustomize/base`)], components: [relative(dir, `${repo}kustomize/components/${component}`)] }),
  );
  const built = execFileSync('kubectl', ['kustomize', '--load-restrictor=LoadRestrictionsNone', dir], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  rmSync(dir, { recursive: true, force: true });
  return parseAllDocuments(built).map((d) => d.toJS() as Manifest);
}

/** What a strict server-side dry run of `objects` prints, line by line, sorted; fails on anything on stderr. */
async function strictDryRun(objects: readonly Manifest[]): Promise<string[]> {
  const result = await kubectl(
    ['apply', '--dry-run=server', '--server-side', '--validate=strict', '-f', '-'],
    objects.map((o) => stringify(o)).join('---\n'),
  );
  expect(result.stderr).toBe('');
  return result.stdout.trim().split('\n').sort();
}

test("kustomize/components/monitoring: the ServiceMonitor, the PrometheusRule and the dashboard pass prometheus-operator's CRDs (strict dry run)", async () => {
  const objects = baseWithComponent('monitoring').filter(
    (o) => ['ServiceMonitor', 'PrometheusRule'].includes(o.kind) || o.metadata.name === 'redis-replication-webhook-dashboard',
  );
  expect(await strictDryRun(objects)).toEqual([
    'configmap/redis-replication-webhook-dashboard serverside-applied (server dry run)',
    'prometheusrule.monitoring.coreos.com/redis-replication-webhook serverside-applied (server dry run)',
    'servicemonitor.monitoring.coreos.com/redis-replication-webhook serverside-applied (server dry run)',
  ]);
}, 60_000);

test('kustomize/components/leader-labels: the Deployment gets --label-leaders, and its RBAC passes a strict dry run', async () => {
  const objects = baseWithComponent('leader-labels');
  const deployment = objects.find((o) => o.kind === 'Deployment')!;
  expect(deployment.spec!.template!.spec!.containers![0].args).toContain('--label-leaders=30s');
  expect(await strictDryRun(objects.filter((o) => o.metadata.name === 'redis-replication-webhook-leader-labels'))).toEqual([
    'clusterrole.rbac.authorization.k8s.io/redis-replication-webhook-leader-labels serverside-applied (server dry run)',
    'clusterrolebinding.rbac.authorization.k8s.io/redis-replication-webhook-leader-labels serverside-applied (server dry run)',
  ]);
}, 60_000);
