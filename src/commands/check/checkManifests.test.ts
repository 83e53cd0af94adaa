import fastJsonPatch from 'fast-json-patch';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { reviewAdmission } from '../../core/admission/reviewAdmission.js';
import { admitStatefulSet } from './admitStatefulSet.js';
import { checkManifests, checkPassed } from './checkManifests.js';
import { parseManifests, type ManifestObject } from './parseManifests.js';
import { defaultPolicy } from '../../core/policy/defaultPolicy.js';
import type { EffectivePolicy } from '../../core/policy/replicationPolicy.js';
import { admissionReview, sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

const policies = [defaultPolicy];

function objects(text: string): ManifestObject[] {
  const parsed = parseManifests(text, 'in.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.objects;
}

describe('parseManifests', () => {
  test('reads every document, numbered as in the stream, skipping empty ones', () => {
    const text = `---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n---\n${stringify(sampleStatefulSet())}---\n`;
    expect(objects(text).map((o) => [o.where, o.object.kind])).toEqual([
      ['document 1', 'Service'],
      ['document 3', 'StatefulSet'],
    ]);
  });

  test('opens a List, so a StatefulSet inside one is checked too', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Service' }, sampleStatefulSet()] };
    expect(objects(stringify(list)).map((o) => o.where)).toEqual(['document 1, items[0]', 'document 1, items[1]']);
  });

  test.each([
    [
      'broken YAML',
      'apiVersion: v1\nkind: ConfigMap\n---\nmetadata: {name: x\n',
      'in.yaml (document 2): not valid YAML: Flow map in block collection must be sufficiently indented and end with a } at line 5',
    ],
    ['plain text', 'this is not a manifest', 'in.yaml (document 1): found the text "this is not a manifest"; expected a Kubernetes object'],
    ['a list', '- a\n- b\n', 'in.yaml (document 1): found a list; expected a Kubernetes object'],
    ['no kind', 'apiVersion: v1\nmetadata: {name: x}\n', 'in.yaml (document 1): apiVersion/kind: found "v1"/null; expected both'],
    [
      'duplicate keys',
      'apiVersion: v1\nkind: Service\nkind: ConfigMap\n',
      'in.yaml (document 1): not valid YAML: Map keys must be unique at line 3, column 1',
    ],
    ['nothing at all', '# kustomize build failed before printing anything\n', 'in.yaml: no documents; expected Kubernetes objects'],
  ])('refuses %s, naming the source and document', (_name, text, error) => {
    const parsed = parseManifests(text, 'in.yaml');
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.errors.join('\n')).toContain(error);
  });
});

describe('admitStatefulSet', () => {
  test('mutates, applies the patch and validates the result, like the API server', () => {
    const sts = sampleStatefulSet();
    delete sts.metadata!.namespace;
    const admission = admitStatefulSet(sts, 'shop', policies);
    expect(admission.allowed).toBe(true);
    expect(admission.warnings).toEqual([]);
    const mutated = fastJsonPatch.applyPatch(
      { ...structuredClone(sts), metadata: { ...sts.metadata, namespace: 'shop' } },
      admission.patch,
      true,
      false,
    ).newDocument;
    // The namespace reached the rules, and the patch is the whole mutation: a second pass adds nothing.
    expect(mutated.spec!.template.spec!.initContainers![0].env).toContainEqual({
      name: 'REDIS_LEADER_HOST',
      value: 'cache-0.cache-headless.shop.svc.cluster.local',
    });
    expect(reviewAdmission('mutate', admissionReview(mutated, { namespace: 'shop' }), { policies }).response!.patch).toBeUndefined();
  });

  test('a denial carries the webhook message, with every field path', () => {
    const sts = sampleStatefulSet({ replicas: 12 });
    sts.spec!.template.spec!.containers[0].image = 'memcached:1';
    const admission = admitStatefulSet(sts, 'default', policies);
    expect(admission.allowed).toBe(false);
    expect(admission.message).toContain('spec.replicas: found 12; allowed 2 to 9');
    expect(admission.message).toContain('spec.template.spec.containers[0].image: found "memcached:1"');
  });

  test('validates the mutated object, not the submitted one', () => {
    // Submitted without podManagementPolicy; the mutation sets OrderedReady, which validation then sees.
    const sts = sampleStatefulSet();
    expect(sts.spec!.podManagementPolicy).toBeUndefined();
    expect(admitStatefulSet(sts, 'default', policies).patch).toContainEqual({ op: 'add', path: '/spec/podManagementPolicy', value: 'OrderedReady' });
  });

  test('a warn rule admits, with the warning', () => {
    const policy: EffectivePolicy = { ...defaultPolicy, rules: { ...defaultPolicy.rules, replicas: 'warn' } };
    const admission = admitStatefulSet(sampleStatefulSet({ replicas: 1 }), 'default', [policy]);
    expect(admission.allowed).toBe(true);
    expect(admission.warnings).toEqual([expect.stringContaining('spec.replicas: found 1; allowed 2 to 9')]);
  });

  test('a policy annotation naming no policy: a mutation warning, then the validating denial', () => {
    const sts = sampleStatefulSet();
    sts.metadata!.annotations = { 'redis-replication/policy': 'missing' };
    const admission = admitStatefulSet(sts, 'default', policies);
    expect(admission.allowed).toBe(false);
    expect(admission.warnings).toEqual([expect.stringContaining('found "missing"')]);
    expect(admission.message).toContain('found "missing"; allowed: a policy for namespace "default" (default)');
  });
});

describe('checkManifests', () => {
  const unlabeled = (): V1StatefulSet => {
    const sts = sampleStatefulSet({ name: 'postgres' });
    delete sts.metadata!.labels!['redis-replication'];
    return sts;
  };

  test('gives every StatefulSet a verdict and counts the other objects by kind', () => {
    const denied = sampleStatefulSet({ name: 'big', replicas: 20 });
    delete denied.metadata!.namespace;
    const kruise = { ...sampleStatefulSet({ name: 'kruise' }), apiVersion: 'apps.kruise.io/v1beta1' };
    const headless = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cache-headless', namespace: 'default' }, spec: { clusterIP: 'None' } };
    const stream = [sampleStatefulSet(), denied, unlabeled(), kruise, headless, { apiVersion: 'v1', kind: 'Service' }]
      .map((o) => stringify(o))
      .join('---\n');
    const report = checkManifests('in.yaml', objects(stream), policies, 'team-a');
    expect(report.statefulSets.map((s) => [s.where, `${s.namespace}/${s.name}`, s.verdict])).toEqual([
      ['document 1', 'default/cache', 'allowed'],
      ['document 2', 'team-a/big', 'denied'],
      ['document 3', 'default/postgres', 'not ours'],
    ]);
    expect(report.statefulSets[1].message).toContain('spec.replicas: found 20');
    expect(report.statefulSets[2].patch).toEqual([]);
    expect(report.ignored).toEqual({ Service: 2, 'StatefulSet (apps.kruise.io/v1beta1)': 1 });
    expect(checkPassed(report)).toBe(false);
  });

  test('the governing Service from the same input: missing warns, not headless denies', () => {
    const service = (clusterIP: string) =>
      stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'cache-headless' }, spec: { clusterIP, type: 'ClusterIP' } });
    const alone = checkManifests('in.yaml', objects(stringify(sampleStatefulSet())), policies, 'default').statefulSets[0];
    expect(alone.verdict).toBe('warned');
    expect(alone.warnings).toEqual([expect.stringContaining('spec.serviceName: found no Service cache-headless in this namespace (yet)')]);
    const clusterIp = checkManifests('in.yaml', objects(stringify(sampleStatefulSet()) + '---\n' + service('10.96.0.12')), policies, 'default')
      .statefulSets[0];
    expect(clusterIp.verdict).toBe('denied');
    expect(clusterIp.message).toContain('spec.serviceName: found Service cache-headless is not headless (clusterIP 10.96.0.12, type ClusterIP)');
    expect(clusterIp.message).toContain('[rule serviceName]');
    const headless = checkManifests('in.yaml', objects(stringify(sampleStatefulSet()) + '---\n' + service('None')), policies, 'default')
      .statefulSets[0];
    expect(headless.verdict).toBe('allowed');
  });

  test('passes when nothing would be denied, warnings included', () => {
    const policy: EffectivePolicy = { ...defaultPolicy, rules: { ...defaultPolicy.rules, replicas: 'warn' } };
    const report = checkManifests(
      'in.yaml',
      objects(stringify(sampleStatefulSet({ replicas: 1 })) + '---\n' + stringify(unlabeled())),
      [policy],
      'default',
    );
    expect(report.statefulSets.map((s) => s.verdict)).toEqual(['warned', 'not ours']);
    expect(checkPassed(report)).toBe(true);
  });
});

describe("checkManifests: the input's PodDisruptionBudgets", () => {
  const budget = (namespace: string, app: string) =>
    stringify({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'cache', namespace },
      spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': app } } },
    });
  const check = (policy: EffectivePolicy, ...documents: string[]) =>
    checkManifests('in.yaml', objects(documents.join('---\n')), [policy], 'default').statefulSets[0];

  test('one selecting the pods passes; admission verdict unchanged', () => {
    const result = check(defaultPolicy, stringify(sampleStatefulSet()), budget('default', 'cache'));
    // Warned for the governing Service the input lacks, as without the budget.
    expect(result).toMatchObject({
      verdict: 'warned',
      disruptionBudget: { outcome: 'pass', message: 'PodDisruptionBudget cache selects the pods' },
    });
  });

  test("none (or one of another namespace, or another group's): a warning by default, a failed check when the policy requires one", () => {
    const warned = check(defaultPolicy, stringify(sampleStatefulSet()), budget('other', 'cache'), budget('default', 'web'));
    expect(warned.verdict).toBe('warned');
    expect(warned.disruptionBudget?.outcome).toBe('warn');
    const required = { ...defaultPolicy, disruptionBudget: 'required' as const };
    const report = checkManifests('in.yaml', objects(stringify(sampleStatefulSet())), [required], 'default');
    expect(report.statefulSets[0].disruptionBudget?.outcome).toBe('fail');
    expect(checkPassed(report)).toBe(false);
    expect(check({ ...defaultPolicy, disruptionBudget: 'off' }, stringify(sampleStatefulSet())).disruptionBudget).toBeUndefined();
  });

  test('a denied StatefulSet is judged by admission alone', () => {
    expect(check(defaultPolicy, stringify(sampleStatefulSet({ replicas: 1 }))).disruptionBudget).toBeUndefined();
  });
});

describe("checkManifests: the Redis config file from the input's ConfigMap", () => {
  // As the corpus has them: `redis-server /etc/redis/redis.conf`, the file a subPath mount of a ConfigMap key.
  const statefulSet = () => {
    const sts = sampleStatefulSet();
    Object.assign(sts.spec!.template.spec!.containers[0], {
      command: ['redis-server', '/etc/redis/redis.conf'],
      volumeMounts: [{ name: 'config', mountPath: '/etc/redis/redis.conf', subPath: 'redis.conf' }],
    });
    sts.spec!.template.spec!.volumes = [{ name: 'config', configMap: { name: 'redis-config' } }];
    return stringify(sts);
  };
  const headless = stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'cache-headless' }, spec: { clusterIP: 'None' } });
  const configMap = (text: string, namespace = 'default') =>
    stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'redis-config', namespace }, data: { 'redis.conf': text } });
  const check = (...documents: string[]) => checkManifests('in.yaml', objects(documents.join('---\n')), policies, 'default').statefulSets[0];

  test.each([
    [
      'a TLS-only config',
      'bind 0.0.0.0\nport 0\ntls-port 6379\n',
      [
        'ConfigMap redis-config key redis.conf line 2: found port 0; allowed plain TCP',
        'ConfigMap redis-config key redis.conf line 3: found tls-port 6379',
        '[rule tls]',
      ],
    ],
    [
      'protected-mode yes with no password',
      'protected-mode yes\n',
      [
        "ConfigMap redis-config key redis.conf line 1: found protected-mode yes without a password: Redis then refuses the followers' connections; allowed a password from a Secret",
        '[rule auth]',
      ],
    ],
    [
      'a literal requirepass',
      'appendonly yes\nrequirepass "s3cret"\n',
      [
        'ConfigMap redis-config key redis.conf line 2: found a password written into a ConfigMap (requirepass); allowed a password from a Secret',
        '[rule auth]',
      ],
    ],
  ])('refuses %s, with the ConfigMap in the input', (_name, text, expected) => {
    const result = check(statefulSet(), headless, configMap(text));
    expect(result.verdict).toBe('denied');
    for (const part of expected) expect(result.message).toContain(part);
  });

  test('admits a config file the rules accept', () => {
    expect(check(statefulSet(), headless, configMap('maxmemory 200mb\nappendonly yes\n'))).toMatchObject({ verdict: 'allowed', warnings: [] });
  });

  test.each([
    ['absent from the input', ''],
    ['only in another namespace', configMap('port 0\n', 'other')],
  ])('warns when the ConfigMap is %s: its file could not be checked', (_name, other) => {
    const result = check(...[statefulSet(), headless, other].filter((d) => d !== ''));
    expect(result.verdict).toBe('warned');
    expect(result.warnings).toEqual([
      expect.stringContaining(
        'spec.template.spec.volumes[0].configMap.name: found ConfigMap redis-config, which does not exist yet, so the rules could not check /etc/redis/redis.conf; allowed ConfigMap redis-config created before the StatefulSet, or in the same apply',
      ),
    ]);
  });
});
