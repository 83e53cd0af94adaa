import { effectivePolicy } from './effectivePolicy.js';
import type { PolicyLoad } from './parsePolicies.js';
import { validatePolicyDocument } from './validatePolicyDocument.js';

function objectName(object: unknown): string {
  const metadata = typeof object === 'object' && object !== null ? (object as { metadata?: { name?: unknown } }).metadata : undefined;
  return typeof metadata?.name === 'string' ? metadata.name : '(unnamed)';
}

/**
 * The cluster's ReplicationPolicy objects, checked like policy files: all or nothing, so a set with one
 * bad object is never put in force, and every error names the object, the field path and the reason.
 * The API server keeps names unique, so unlike a folder there are no duplicates to look for.
 */
export function checkClusterPolicies(objects: readonly unknown[]): PolicyLoad {
  const checks = objects.map((object) => ({ name: objectName(object), check: validatePolicyDocument(object) }));
  const errors = checks.flatMap(({ name, check }) => (check.ok ? [] : check.errors.map((e) => `ReplicationPolicy ${name}: ${e}`)));
  if (errors.length > 0) return { ok: false, errors };
  // By name: the API lists in no promised order, and /readyz should not reshuffle between lists.
  const policies = checks.flatMap(({ check }) => (check.ok ? [effectivePolicy(check.policy)] : []));
  return { ok: true, policies: policies.sort((a, b) => a.name.localeCompare(b.name)) };
}
