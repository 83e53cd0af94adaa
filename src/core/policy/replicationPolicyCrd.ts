// The ReplicationPolicy CustomResourceDefinition, derived from the one schema the file loader enforces
// (replicationPolicySchema.ts), so a policy in git and a policy in the cluster are checked alike.
import { stringify } from 'yaml';
import { replicationPolicyResource } from './replicationPolicyResource.js';
import { replicationPolicySchema } from './replicationPolicySchema.js';

type SchemaNode = { readonly [keyword: string]: unknown };

/** Where the generated CRD is committed, relative to the repository root. */
export const replicationPolicyCrdPath = 'kustomize/base/crd/replicationpolicy-crd.yaml';

const { group, version, kind, plural } = replicationPolicyResource;

/**
 * One schema node as a CRD accepts it. `additionalProperties: false` is not allowed in a structural
 * schema, and not needed: the API server refuses unknown fields (strict field validation) or prunes
 * them. A schema-valued `additionalProperties` (the redis.conf map) is allowed and kept.
 */
function structural(node: SchemaNode): SchemaNode {
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === 'additionalProperties' && value === false) continue;
    if (keyword === 'properties') {
      out[keyword] = Object.fromEntries(Object.entries(value as Record<string, SchemaNode>).map(([name, child]) => [name, structural(child)]));
    } else if (keyword === 'items' || keyword === 'additionalProperties') {
      out[keyword] = structural(value as SchemaNode);
    } else {
      out[keyword] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
  }
  return out;
}

/**
 * The root of the CRD schema. apiVersion and kind are routed by the API server, so they are plain
 * strings here. At the root, metadata may only restrict name and generateName, and may not require
 * anything: the name rule is kept, its `required` is dropped (the API server requires a name itself).
 */
function openAPIV3Schema(): SchemaNode {
  const { metadata, spec } = replicationPolicySchema.properties;
  return {
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', properties: { name: structural(metadata.properties.name) } },
      spec: structural(spec),
    },
  };
}

/** The CustomResourceDefinition of the cluster-scoped ReplicationPolicy kind. */
export function replicationPolicyCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), shortNames: ['rpol'] },
      // A policy governs StatefulSets in any namespace it lists, so it belongs to no namespace itself.
      scope: 'Cluster',
      versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: openAPIV3Schema() } }],
    },
  };
}

/** The committed file's text: a header saying how it is made, then the CRD. */
export function replicationPolicyCrdYaml(): string {
  const header = [
    '# Generated from src/core/policy/replicationPolicySchema.ts; do not edit.',
    '# Regenerate: npx tsc -p . && node scripts/generate-crd.mjs',
  ].join('\n');
  return `${header}\n${stringify(replicationPolicyCrd(), { lineWidth: 0 })}`;
}
