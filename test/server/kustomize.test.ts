// The kustomize tree, built with the same kubectl users run (`kubectl kustomize`), and checked for what
// would otherwise only show up in a cluster: webhook safety settings, wiring between objects, the
// restricted security context, RBAC, and the Argo CD sync waves.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { reviewAdmission } from '../../src/core/admission/reviewAdmission.js';
import { loadPolicyDirectory } from '../../src/edges/files/loadPolicyDirectory.js';
import { policySet } from '../../src/core/policy/policySet.js';
import { enabledLabel } from '../../src/wire/replicationNames.js';
import { admissionReview } from '../fixtures/statefulSet.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const kustomizeRoot = join(root, 'kustomize');
const systemNamespace = 'redis-replication-system';

// Loose on purpose: these are whatever kustomize emits, read field by field.
type Doc = any;

async function kustomize(dir: string): Promise<Doc[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((d) => d.toJS());
}

const builds = new Map<string, Promise<Doc[]>>();
/** A directory's build, relative to the repository root; each directory is built once. */
function build(dir: string): Promise<Doc[]> {
  if (!builds.has(dir)) builds.set(dir, kustomize(join(root, dir)));
  return builds.get(dir)!;
}

function kustomizationKind(dir: string): string | undefined {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((n) => join(dir, n)).find((f) => existsSync(f));
  return file ? (parseAllDocuments(readFileSync(file, 'utf8'))[0]?.toJS()?.kind ?? 'Kustomization') : undefined;
}

function directoriesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [join(dir, e.name), ...directoriesUnder(join(dir, e.name))]);
}

const kustomizations = directoriesUnder(kustomizeRoot).filter((d) => kustomizationKind(d) === 'Kustomization');
const components = directoriesUnder(join(kustomizeRoot, 'components')).filter((d) => kustomizationKind(d) === 'Component');

function one(docs: Doc[], kind: string, name?: string): Doc {
  const found = docs.filter((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

function webhooks(docs: Doc[]): Doc[] {
  return docs.filter((d) => d.kind === 'MutatingWebhookConfiguration' || d.kind === 'ValidatingWebhookConfiguration').flatMap((d) => d.webhooks);
}

function policyFiles(): string[] {
  return readdirSync(join(root, 'policies')).filter((n) => /\.(ya?ml|json)$/.test(n));
}

describe('every kustomization builds', () => {
  test.each(kustomizations.map((d) => relative(root, d)))('%s', async (dir) => {
    expect((await build(dir)).length).toBeGreaterThan(0);
  });

  // Each Component is built the way it is used, on top of the base and a replication group: one that
  // patches the webhook's objects needs them there, the promotion check needs a StatefulSet.
  test.each(components.map((d) => relative(root, d)))('%s, on the base and the sample group', async (dir) => {
    const group = join(kustomizeRoot, 'components', 'sample-replication-group');
    const docs = await buildWith([join(kustomizeRoot, 'base')], [...(join(root, dir) === group ? [] : [group]), join(root, dir)]);
    expect(docs.length).toBeGreaterThan((await build('kustomize/base')).length);
  });
});

/** A kustomization made for the test: `resources` (directories, or objects written to files) and `components`. */
async function buildWith(resources: (string | object)[], components: string[]): Promise<Doc[]> {
  const wrapper = mkdtempSync(join(tmpdir(), 'rrw-kustomization-'));
  try {
    const files = resources.map((resource, i) => {
      if (typeof resource === 'string') return relative(wrapper, resource);
      writeFileSync(join(wrapper, `resource-${i}.yaml`), JSON.stringify(resource));
      return `resource-${i}.yaml`;
    });
    // kustomize takes components by relative path only.
    writeFileSync(join(wrapper, 'kustomization.yaml'), JSON.stringify({ resources: files, components: components.map((c) => relative(wrapper, c)) }));
    return await kustomize(wrapper);
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
}

describe('promotion-check component', () => {
  const component = join(kustomizeRoot, 'components', 'promotion-check');
  const statefulSet = (name: string) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name } });

  test("takes the kustomization's StatefulSet: the Job verifies it, the Role reaches it alone, the leader Service selects its pod 0", async () => {
    const docs = await buildWith([statefulSet('sessions-cache')], [component]);
    expect(one(docs, 'Job').spec.template.spec.containers[0].args).toEqual([
      'verify',
      '--namespace',
      '$(POD_NAMESPACE)',
      '--statefulset',
      'sessions-cache',
    ]);
    expect(one(docs, 'Role').rules.find((r: Doc) => r.resources.includes('statefulsets')).resourceNames).toEqual(['sessions-cache']);
    expect(one(docs, 'Service', 'redis-leader').spec.selector).toEqual({
      'statefulset.kubernetes.io/pod-name': 'sessions-cache-0',
      'redis-replication/role': 'leader',
    });
  });

  test('refuses to guess between two StatefulSets', async () => {
    await expect(buildWith([statefulSet('a'), statefulSet('b')], [component])).rejects.toThrow(/multiple matches/);
  });
});

describe('disruption-budget component', () => {
  const component = join(kustomizeRoot, 'components', 'disruption-budget');
  const statefulSet = (name: string, selector: Doc) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name }, spec: { selector } });

  test("takes the kustomization's StatefulSet: its name, and its whole selector, with one member unavailable at most", async () => {
    const selector = {
      matchLabels: { app: 'sessions', tier: 'cache' },
      matchExpressions: [{ key: 'track', operator: 'In', values: ['stable'] }],
    };
    const docs = await buildWith([statefulSet('sessions-cache', selector)], [component]);
    const budget = one(docs, 'PodDisruptionBudget');
    expect(budget.metadata.name).toBe('sessions-cache');
    expect(budget.spec).toEqual({ maxUnavailable: 1, selector });
  });

  test('refuses to guess between two StatefulSets', async () => {
    const selector = { matchLabels: { app: 'x' } };
    await expect(buildWith([statefulSet('a', selector), statefulSet('b', selector)], [component])).rejects.toThrow(/multiple matches/);
  });
});

describe('base', () => {
  test('contains exactly the expected kinds', async () => {
    const policyCount = (await build('policies')).filter((d) => d.kind === 'ReplicationPolicy').length;
    const kinds = (await build('kustomize/base')).map((d) => d.kind).sort();
    expect(kinds).toEqual(
      [
        'Namespace',
        'CustomResourceDefinition',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'Role',
        'RoleBinding',
        'ConfigMap',
        'Deployment',
        'PodDisruptionBudget',
        'Service',
        'Issuer',
        'Issuer',
        'Certificate',
        'Certificate',
        'MutatingWebhookConfiguration',
        'ValidatingWebhookConfiguration',
        ...Array<string>(policyCount).fill('ReplicationPolicy'),
      ].sort(),
    );
  });

  test('RBAC: the Deployment account may get StatefulSets, Services and ConfigMaps, read ReplicationPolicies and hold its Lease, nothing else', async () => {
    const docs = await build('kustomize/base');
    expect(one(docs, 'ClusterRole').rules).toEqual([
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      { apiGroups: ['redis-replication.io'], resources: ['replicationpolicies'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = one(docs, 'ClusterRoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: one(docs, 'ClusterRole').metadata.name });
    const account = one(docs, 'ServiceAccount');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
    expect(one(docs, 'Deployment').spec.template.spec.serviceAccountName).toBe(account.metadata.name);
    // Its Lease, in its own namespace, by name where RBAC allows a name.
    const role = one(docs, 'Role');
    expect(role.metadata.namespace).toBe(account.metadata.namespace);
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['redis-replication-webhook'], verbs: ['get', 'update'] },
    ]);
    const roleBinding = one(docs, 'RoleBinding');
    expect(roleBinding.metadata.namespace).toBe(account.metadata.namespace);
    expect(roleBinding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(roleBinding.subjects).toEqual(binding.subjects);
  });

  test('the namespace enforces the restricted Pod Security Standard and the Deployment meets it', async () => {
    const docs = await build('kustomize/base');
    expect(one(docs, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const pod = one(docs, 'Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    for (const flag of ['hostNetwork', 'hostPID', 'hostIPC']) expect(pod[flag]).toBeFalsy();
    // Secrets and ConfigMaps only: no hostPath.
    expect(pod.volumes.every((v: Doc) => v.secret !== undefined || v.configMap !== undefined)).toBe(true);
    for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.securityContext.privileged).toBeFalsy();
      expect(container.securityContext.capabilities.add).toBeUndefined();
    }
  });

  test('the Deployment serves TLS from the serving Certificate and the policies from the generated ConfigMap', async () => {
    const docs = await build('kustomize/base');
    const deployment = one(docs, 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(pod.containers).toHaveLength(1);
    const container = pod.containers[0];
    expect(container.args).toEqual([
      'serve',
      '--port',
      '8443',
      '--tls-cert-file',
      '/tls/tls.crt',
      '--tls-private-key-file',
      '/tls/tls.key',
      '--policies',
      '/policies',
      '--watch-cluster-policies',
      '--check-services',
      '--check-config-files',
      '--watch-statefulsets',
      '--leader-elect',
    ]);
    const mountOf = (path: string) => container.volumeMounts.find((m: Doc) => path.startsWith(`${m.mountPath}/`) || path === m.mountPath);
    const volumeOf = (path: string) => pod.volumes.find((v: Doc) => v.name === mountOf(path)?.name);

    const serving = one(docs, 'Certificate', 'redis-replication-webhook');
    expect(volumeOf('/tls/tls.crt').secret.secretName).toBe(serving.spec.secretName);
    expect(volumeOf('/tls/tls.key').secret.secretName).toBe(serving.spec.secretName);
    const configMap = one(docs, 'ConfigMap');
    expect(volumeOf('/policies').configMap.name).toBe(configMap.metadata.name);
    expect(configMap.metadata.namespace).toBe(deployment.metadata.namespace);

    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe('ghcr.io/redis-replication-webhook/redis-replication-webhook:0.1.0');
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', scheme: 'HTTPS' });
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', scheme: 'HTTPS' });
    const port = container.ports.find((p: Doc) => p.containerPort === 8443);
    expect([container.readinessProbe.httpGet.port, container.livenessProbe.httpGet.port]).toEqual([port.name, port.name]);
    expect(pod.topologySpreadConstraints).toEqual([expect.objectContaining({ topologyKey: 'kubernetes.io/hostname' })]);
  });

  test('the Service, the PodDisruptionBudget and the spread select the webhook pods', async () => {
    const docs = await build('kustomize/base');
    const deployment = one(docs, 'Deployment');
    const labels = deployment.spec.template.metadata.labels;
    const service = one(docs, 'Service');
    expect(labels).toMatchObject(service.spec.selector);
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(labels).toMatchObject(one(docs, 'PodDisruptionBudget').spec.selector.matchLabels);
    expect(labels).toMatchObject(deployment.spec.template.spec.topologySpreadConstraints[0].labelSelector.matchLabels);
    expect(one(docs, 'PodDisruptionBudget').spec.minAvailable).toBe(1);
    const port = service.spec.ports.find((p: Doc) => p.port === 443);
    const containerPort = deployment.spec.template.spec.containers[0].ports.find((p: Doc) => p.name === port.targetPort);
    expect(containerPort.containerPort).toBe(8443);
  });

  test('cert-manager: a self-signed CA issues the serving certificate for the Service DNS names', async () => {
    const docs = await build('kustomize/base');
    const service = one(docs, 'Service');
    const ca = one(docs, 'Certificate', 'redis-replication-ca');
    const selfSigned = docs.find((d) => d.kind === 'Issuer' && d.spec.selfSigned !== undefined);
    const caIssuer = docs.find((d) => d.kind === 'Issuer' && d.spec.ca !== undefined);
    expect(ca.spec.isCA).toBe(true);
    expect(ca.spec.issuerRef).toMatchObject({ kind: 'Issuer', name: selfSigned.metadata.name });
    expect(caIssuer.spec.ca.secretName).toBe(ca.spec.secretName);
    const serving = one(docs, 'Certificate', 'redis-replication-webhook');
    expect(serving.spec.issuerRef).toMatchObject({ kind: 'Issuer', name: caIssuer.metadata.name });
    const host = `${service.metadata.name}.${service.metadata.namespace}.svc`;
    expect(serving.spec.dnsNames).toEqual([host, `${host}.cluster.local`]);
    for (const d of docs.filter((d) => d.kind === 'Issuer' || d.kind === 'Certificate')) expect(d.metadata.namespace).toBe(systemNamespace);
  });

  test('ships every policy file, as ReplicationPolicy objects and in the ConfigMap', async () => {
    const docs = await build('kustomize/base');
    const files = policyFiles();
    expect(Object.keys(one(docs, 'ConfigMap').data).sort()).toEqual(files.sort());
    const load = await loadPolicyDirectory(join(root, 'policies'));
    if (!load.ok) throw new Error(load.errors.join('\n'));
    const objects = docs.filter((d) => d.kind === 'ReplicationPolicy');
    expect(objects.map((d) => d.metadata.name).sort()).toEqual(load.policies.map((p) => p.name).sort());
    // Cluster-scoped: a namespace on them would be a kustomize `namespace:` leaking onto them.
    for (const policy of objects) expect(policy.metadata.namespace).toBeUndefined();
    const crd = one(docs, 'CustomResourceDefinition');
    expect(objects.every((p) => p.apiVersion === `${crd.spec.group}/${crd.spec.versions[0].name}`)).toBe(true);
  });
});

describe.each(['kustomize/overlays/default', 'kustomize/overlays/production'])('webhook configurations in %s', (dir) => {
  test('sideEffects None, v1 reviews only, timeout at most 10s, system namespaces excluded', async () => {
    const all = webhooks(await build(dir));
    expect(all.map((w) => w.name).sort()).toEqual([
      'mutate.redis-replication.io',
      'validate-policy.redis-replication.io',
      'validate-scale.redis-replication.io',
      'validate.redis-replication.io',
    ]);
    for (const webhook of all) {
      expect(webhook.sideEffects).toBe('None');
      expect(webhook.admissionReviewVersions).toEqual(['v1']);
      expect(webhook.timeoutSeconds).toBeLessThanOrEqual(10);
      // A namespaceSelector means nothing to cluster-scoped objects, so only namespaced rules carry one.
      if (webhook.rules.every((r: Doc) => r.scope === 'Cluster')) continue;
      const excluded = webhook.namespaceSelector.matchExpressions.find((e: Doc) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn');
      expect(excluded.values).toEqual(expect.arrayContaining(['kube-system', systemNamespace]));
    }
  });

  test('the scale subresource is validated', async () => {
    const scale = webhooks(await build(dir)).find((w) => w.name === 'validate-scale.redis-replication.io');
    expect(scale.rules).toEqual([expect.objectContaining({ apiGroups: ['apps'], resources: ['statefulsets/scale'], operations: ['UPDATE'] })]);
    expect(scale.clientConfig.service.path).toBe('/validate');
  });

  test('ReplicationPolicy objects are validated, as the CRD names them', async () => {
    const docs = await build(dir);
    const crd = one(docs, 'CustomResourceDefinition');
    const policy = webhooks(docs).find((w) => w.name === 'validate-policy.redis-replication.io');
    expect(policy.rules).toEqual([
      {
        apiGroups: [crd.spec.group],
        apiVersions: crd.spec.versions.map((v: Doc) => v.name),
        operations: ['CREATE', 'UPDATE'],
        resources: [crd.spec.names.plural],
        scope: crd.spec.scope,
      },
    ]);
    expect(policy.clientConfig.service.path).toBe('/validate');
    expect(policy.failurePolicy).toBe('Fail');
  });

  test('call the Service on 443 and trust the CA of the serving Certificate', async () => {
    const docs = await build(dir);
    const service = one(docs, 'Service');
    const serving = one(docs, 'Certificate', 'redis-replication-webhook');
    for (const webhook of webhooks(docs)) {
      expect(webhook.clientConfig.service).toMatchObject({ name: service.metadata.name, namespace: service.metadata.namespace, port: 443 });
    }
    for (const configuration of docs.filter((d) => d.kind.endsWith('WebhookConfiguration'))) {
      expect(configuration.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(`${serving.metadata.namespace}/${serving.metadata.name}`);
    }
  });
});

describe('overlays', () => {
  test("knative: a Knative Service in place of the Deployment, serving plain HTTP behind Knative's TLS, the webhooks calling its cluster-local route", async () => {
    const docs = await build('kustomize/overlays/knative');
    expect(docs.filter((d) => ['Deployment', 'PodDisruptionBudget', 'Certificate', 'Issuer'].includes(d.kind))).toEqual([]);
    const service = one(docs, 'Service');
    expect(service.apiVersion).toBe('serving.knative.dev/v1');
    expect(service.metadata.labels['networking.knative.dev/visibility']).toBe('cluster-local');
    expect(service.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']).toBe('1');
    const container = service.spec.template.spec.containers[0];
    expect(container.args).toEqual(
      expect.arrayContaining([
        'serve',
        '--plain-http',
        '--watch-statefulsets',
        '--check-services',
        '--check-config-files',
        '--watch-cluster-policies',
      ]),
    );
    // The policies ConfigMap by its generated name, hash included.
    expect(service.spec.template.spec.volumes[0].configMap.name).toBe(one(docs, 'ConfigMap').metadata.name);
    const route = `https://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
    for (const webhook of webhooks(docs))
      expect(webhook.clientConfig).toEqual({ url: `${route}${webhook.name === 'mutate.redis-replication.io' ? '/mutate' : '/validate'}` });
    for (const configuration of docs.filter((d) => d.kind.endsWith('WebhookConfiguration'))) {
      expect(configuration.metadata.annotations).toEqual(
        expect.objectContaining({ 'cert-manager.io/inject-ca-from-secret': 'cert-manager/knative-serving-ca' }),
      );
      expect(configuration.metadata.annotations['cert-manager.io/inject-ca-from']).toBeUndefined();
    }
  });

  test('default keeps the scale webhook fail-open', async () => {
    const scale = webhooks(await build('kustomize/overlays/default')).find((w) => w.name === 'validate-scale.redis-replication.io');
    expect(scale.failurePolicy).toBe('Ignore');
  });

  test('production: every webhook fails closed, three replicas of a prioritized pod, more room', async () => {
    const docs = await build('kustomize/overlays/production');
    for (const webhook of webhooks(docs)) expect(webhook.failurePolicy).toBe('Fail');
    const deployment = one(docs, 'Deployment');
    expect(deployment.spec.replicas).toBe(3);
    const pod = deployment.spec.template.spec;
    expect(one(docs, 'PriorityClass', pod.priorityClassName).value).toBeGreaterThan(0);
    expect(one(docs, 'PodDisruptionBudget').spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    const base = one(await build('kustomize/base'), 'Deployment').spec.template.spec.containers[0].resources;
    const memory = (quantity: string) => Number.parseInt(quantity, 10);
    expect(memory(pod.containers[0].resources.limits.memory)).toBeGreaterThan(memory(base.limits.memory));
    expect(memory(pod.containers[0].resources.requests.memory)).toBeGreaterThan(memory(base.requests.memory));
  });
});

describe('sample replication group', () => {
  const dir = 'kustomize/argocd/sample';

  test('a labeled StatefulSet `redis` with its headless Service, and the promotion check with its leader Service', async () => {
    const docs = await build(dir);
    const sts = one(docs, 'StatefulSet', 'redis');
    expect(sts.metadata.labels[enabledLabel.key]).toBe(enabledLabel.value);
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.template.spec.containers[0].image).toBe('redis:7.2');
    expect(sts.spec.volumeClaimTemplates.map((c: Doc) => c.metadata.name)).toEqual(['data']);
    expect(one(docs, 'Service', sts.spec.serviceName).spec.clusterIP).toBe('None');
    const leader = one(docs, 'Service', 'redis-leader').spec.selector;
    expect(leader).toEqual({ 'statefulset.kubernetes.io/pod-name': 'redis-0', 'redis-replication/role': 'leader' });
    expect(one(docs, 'Job').spec.template.spec.containers[0].args).toContain('redis');
    expect(['kube-system', systemNamespace]).not.toContain(sts.metadata.namespace);
  });

  test('is admitted by the webhook under the policies in policies/, without warnings', async () => {
    const sts = one(await build(dir), 'StatefulSet', 'redis');
    const load = await loadPolicyDirectory(join(root, 'policies'));
    if (!load.ok) throw new Error(load.errors.join('\n'));
    const answer = reviewAdmission('validate', admissionReview(sts, { namespace: sts.metadata.namespace }), { policies: policySet(load.policies) });
    expect(answer.response).toMatchObject({ allowed: true });
    expect(answer.response?.warnings ?? []).toEqual([]);
  });
});

describe('Argo CD', () => {
  const wave = (d: Doc) => Number(d.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
  const wavesOf = (docs: Doc[], kind: string) => docs.filter((d) => d.kind === kind).map(wave);

  test('every webhook resource has a sync wave: CRDs first, then certificates, the webhook, its registration', async () => {
    const docs = await build('kustomize/argocd/webhook');
    expect(docs.filter((d) => !Number.isInteger(wave(d))).map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([]);
    const latest = (kind: string) => Math.max(...wavesOf(docs, kind));
    const earliest = (kind: string) => Math.min(...wavesOf(docs, kind));
    expect(latest('CustomResourceDefinition')).toBeLessThan(earliest('ReplicationPolicy'));
    expect(latest('Namespace')).toBeLessThan(earliest('Certificate'));
    expect(latest('Certificate')).toBeLessThan(earliest('Deployment'));
    expect(latest('Issuer')).toBeLessThan(earliest('Deployment'));
    expect(latest('ConfigMap')).toBeLessThan(earliest('Deployment'));
    expect(latest('Deployment')).toBeLessThan(earliest('MutatingWebhookConfiguration'));
    expect(latest('Deployment')).toBeLessThan(earliest('ValidatingWebhookConfiguration'));
  });

  test('the app of apps: each Application points at a kustomization here, the webhook before the workloads', async () => {
    const apps = await build('kustomize/argocd');
    const rootApp = parseAllDocuments(readFileSync(join(kustomizeRoot, 'argocd/root-application.yaml'), 'utf8'))[0].toJS();
    for (const app of [...apps, rootApp]) {
      expect(app.kind).toBe('Application');
      expect(kustomizations.map((d) => relative(root, d))).toContain(app.spec.source.path);
    }
    const webhookApp = one(apps, 'Application', 'redis-replication-webhook');
    const sampleApp = one(apps, 'Application', 'redis-sample');
    expect(wave(webhookApp)).toBeLessThan(wave(sampleApp));
  });

  test('the workloads Application diffs server-side with the webhook mutations included, and ignores nothing', async () => {
    const app = one(await build('kustomize/argocd'), 'Application', 'redis-sample');
    expect(app.metadata.annotations['argocd.argoproj.io/compare-options']).toBe('ServerSideDiff=true,IncludeMutationWebhook=true');
    expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    expect(app.spec.syncPolicy.syncOptions).not.toContain('RespectIgnoreDifferences=true');
    expect(app.spec.ignoreDifferences).toBeUndefined();
  });

  test('every Application retries a failed sync with backoff (selfHeal does not)', async () => {
    const rootApp = parseAllDocuments(readFileSync(join(kustomizeRoot, 'argocd/root-application.yaml'), 'utf8'))[0].toJS();
    for (const app of [...(await build('kustomize/argocd')), rootApp]) {
      expect(app.spec.syncPolicy.retry).toMatchObject({ limit: expect.any(Number), backoff: { duration: expect.any(String), factor: 2 } });
      expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
    }
  });
});
