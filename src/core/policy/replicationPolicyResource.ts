// Where ReplicationPolicy objects live in the Kubernetes API. Derived from the schema's apiVersion and
// kind, so the CRD, the watch and the admission check cannot name different resources.
import { replicationPolicySchema } from './replicationPolicySchema.js';

const [group, version] = replicationPolicySchema.properties.apiVersion.enum[0].split('/') as [string, string];

export const replicationPolicyResource = {
  group,
  version,
  kind: replicationPolicySchema.properties.kind.enum[0],
  plural: 'replicationpolicies',
} as const;
