// The ReplicationPolicy CRD has one source, the policy schema: the committed file must be what the
// generator writes, the result must be a structural schema the API server accepts, and it must judge
// policies as the file loader does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { replicationPolicyCrd, replicationPolicyCrdPath, replicationPolicyCrdYaml } from './replicationPolicyCrd.js';
import { replicationPolicySchema } from './replicationPolicySchema.js';

const root = new URL('../../../', import.meta.url).pathname;
type Node = Record<string, unknown>;

const crd = replicationPolicyCrd() as { spec: { versions: { schema: { openAPIV3Schema: Node } }[] } } & Node;
const crdSchema = crd.spec.versions[0].schema.openAPIV3Schema;
const ajv = new Ajv({ allErrors: true, strict: true });
const byCrd = ajv.compile(crdSchema);
const byFile = ajv.compile(replicationPolicySchema);

/** Every schema node with its path, the root first. */
function nodes(node: Node, path = ''): [string, Node][] {
  const children: [string, Node][] = [];
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) children.push(...nodes(child, `${path}.${name}`));
  if (typeof node.items === 'object') children.push(...nodes(node.items as Node, `${path}[]`));
  if (typeof node.additionalProperties === 'object') children.push(...nodes(node.additionalProperties as Node, `${path}.*`));
  return [[path || '(root)', node], ...children];
}

describe('the committed CRD', () => {
  test(`${replicationPolicyCrdPath} is what \`npx tsc -p . && node scripts/generate-crd.mjs\` writes`, () => {
    const committed = readFileSync(join(root, replicationPolicyCrdPath), 'utf8');
    expect(parse(committed)).toEqual(replicationPolicyCrd());
    expect(committed).toBe(replicationPolicyCrdYaml());
  });
});

describe('replicationPolicyCrd', () => {
  test('names the cluster-scoped kind the policy schema names', () => {
    const [apiVersion] = replicationPolicySchema.properties.apiVersion.enum;
    const [kind] = replicationPolicySchema.properties.kind.enum;
    expect(crd).toMatchObject({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'replicationpolicies.redis-replication.io' },
      spec: {
        group: 'redis-replication.io',
        scope: 'Cluster',
        names: { kind, plural: 'replicationpolicies', singular: 'replicationpolicy', shortNames: ['rpol'] },
        versions: [{ name: 'v1alpha1', served: true, storage: true }],
      },
    });
    expect(apiVersion).toBe('redis-replication.io/v1alpha1');
  });

  test('is a structural schema: a type on every node, only keywords a CRD accepts', () => {
    const accepted = new Set([
      'type',
      'properties',
      'items',
      'additionalProperties',
      'required',
      'enum',
      'pattern',
      'minimum',
      'maximum',
      'minLength',
      'maxLength',
      'minItems',
      'maxItems',
    ]);
    for (const [path, node] of nodes(crdSchema)) {
      expect([path, typeof node.type]).toEqual([path, 'string']);
      expect([path, Object.keys(node).filter((k) => !accepted.has(k))]).toEqual([path, []]);
      // A CRD allows either properties or a schema-valued additionalProperties, and never `false`.
      expect([path, node.additionalProperties === false, node.properties !== undefined && node.additionalProperties !== undefined]).toEqual([
        path,
        false,
        false,
      ]);
    }
  });

  test('the root: apiVersion and kind are plain strings, metadata only restricts the name', () => {
    const { apiVersion, kind, metadata } = crdSchema.properties as Record<string, Node>;
    expect([apiVersion, kind]).toEqual([{ type: 'string' }, { type: 'string' }]);
    expect(metadata).toEqual({ type: 'object', properties: { name: replicationPolicySchema.properties.metadata.properties.name } });
  });

  test('keeps every spec field of the file schema', () => {
    const fields = (schema: Node) => nodes(schema).map(([path]) => path);
    expect(fields((crdSchema.properties as Record<string, Node>).spec)).toEqual(fields(replicationPolicySchema.properties.spec));
  });
});

describe('the CRD schema judges policies as the file schema does', () => {
  const policies = readdirSync(join(root, 'policies'))
    .filter((n) => /\.(ya?ml|json)$/.test(n))
    .flatMap((n) => parseAllDocuments(readFileSync(join(root, 'policies', n), 'utf8')).map((d, i) => [`${n} #${i + 1}`, d.toJS()] as const))
    .filter(([, doc]) => doc !== null);

  test('there are policies in policies/ to check', () => {
    expect(policies.length).toBeGreaterThan(0);
  });

  test.each(policies)('policies/%s is valid under both', (_name, doc) => {
    expect([byFile(doc), byFile.errors]).toEqual([true, null]);
    expect([byCrd(doc), byCrd.errors]).toEqual([true, null]);
  });

  const policy = (spec: unknown, name = 'p') => ({
    apiVersion: 'redis-replication.io/v1alpha1',
    kind: 'ReplicationPolicy',
    metadata: { name },
    spec,
  });
  test.each([
    ['an empty spec', policy({}), true],
    [
      'every field set',
      policy({
        namespaces: ['a'],
        priority: 5,
        replicas: { min: 2, max: 3 },
        images: { allowed: ['redis'] },
        persistence: { required: false, dataPath: '/d' },
        antiAffinity: 'none',
        config: { 'maxmemory-policy': 'noeviction' },
        auth: { secretName: 's', secretKey: 'k' },
        port: 6380,
        clusterDomain: 'c',
        leaderWaitSeconds: 0,
        metrics: { exporter: { image: 'e', port: 9121, sentinelPort: 9355, resources: { requests: { cpu: '10m' }, limits: { memory: '64Mi' } } } },
        rules: { image: 'warn' },
      }),
      true,
    ],
    ['an unknown enum value', policy({ antiAffinity: 'sometimes' }), false],
    ['a string for an integer', policy({ port: '6379' }), false],
    ['a number out of range', policy({ replicas: { max: 5000 } }), false],
    ['a relative data path', policy({ persistence: { dataPath: 'data' } }), false],
    ['auth without a secret name', policy({ auth: { secretKey: 'k' } }), false],
    ['a non-string config value', policy({ config: { maxmemory: 100 } }), false],
    ['an empty image list', policy({ images: { allowed: [] } }), false],
    ['an exporter quantity with a space', policy({ metrics: { exporter: { resources: { limits: { memory: '64 Mi' } } } } }), false],
    ['a name that is not a DNS label', policy({}, 'Not_A_Label'), false],
    ['no spec', { apiVersion: 'redis-replication.io/v1alpha1', kind: 'ReplicationPolicy', metadata: { name: 'p' } }, false],
  ])('%s', (_case, doc, valid) => {
    expect(byFile(doc)).toBe(valid);
    expect(byCrd(doc)).toBe(valid);
  });

  // The one intended difference: a CRD cannot say `additionalProperties: false`. The API server handles
  // unknown fields itself: it refuses them under strict field validation (kubectl's default) and prunes
  // them otherwise. The file loader refuses them, so a typo is caught before it reaches a cluster.
  test('an unknown field: refused by the file schema, left to the API server by the CRD', () => {
    const doc = policy({ replicas: { min: 2, maximum: 3 } });
    expect(byFile(doc)).toBe(false);
    expect(byCrd(doc)).toBe(true);
  });
});
