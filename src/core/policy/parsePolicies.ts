import { parseAllDocuments } from 'yaml';
import { effectivePolicy } from './effectivePolicy.js';
import type { EffectivePolicy } from './replicationPolicy.js';
import { validatePolicyDocument } from './validatePolicyDocument.js';

/** A set of policies read from one source (a folder, the cluster), or why it is refused. */
export type PolicyLoad = { ok: true; policies: EffectivePolicy[] } | { ok: false; errors: string[] };

/** Policies are chosen by name, so a name defined twice in one folder is an error of the folder. */
export function duplicatePolicyNames(dir: string, policies: readonly EffectivePolicy[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const policy of policies) {
    if (seen.has(policy.name)) errors.push(`${dir}: two policies are named "${policy.name}"; names must be unique`);
    seen.add(policy.name);
  }
  return errors;
}

/** Parses the policy documents of one file's text; `source` names the file in errors. */
export function parsePolicies(text: string, source: string): { policies: EffectivePolicy[]; errors: string[] } {
  const errors: string[] = [];
  const policies: EffectivePolicy[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    const where = `${source} (document ${index + 1})`;
    if (doc.errors.length > 0) {
      errors.push(`${where}: not valid YAML: ${doc.errors[0]?.message ?? ''}`);
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing ---
    const check = validatePolicyDocument(value);
    if (check.ok) policies.push(effectivePolicy(check.policy));
    else errors.push(...check.errors.map((e) => `${where}: ${e}`));
  });
  return { policies, errors };
}
