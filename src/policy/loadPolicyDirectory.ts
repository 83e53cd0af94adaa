import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { errorMessage } from '../errorMessage.js';
import { effectivePolicy } from './effectivePolicy.js';
import type { EffectivePolicy } from './replicationPolicy.js';
import { validatePolicyDocument } from './validatePolicyDocument.js';

export type PolicyLoad = { ok: true; policies: EffectivePolicy[] } | { ok: false; errors: string[] };

/** One policy file: the policies it defines, or why it is refused (file, document and path). */
export interface PolicyFile {
  file: string;
  policies: EffectivePolicy[];
  errors: string[];
}

const policyFile = /\.(ya?ml|json)$/;

/**
 * Reads every ReplicationPolicy in a folder (YAML, multi-document, or JSON). All or nothing: one bad
 * document fails the load, so a half-read folder is never put in force. Errors name file, document and path.
 */
export async function loadPolicyDirectory(dir: string): Promise<PolicyLoad> {
  let files: PolicyFile[];
  try {
    files = await readPolicyFiles(dir);
  } catch (error) {
    return { ok: false, errors: [`${dir}: ${errorMessage(error)}`] };
  }
  const policies = files.flatMap((f) => f.policies);
  const errors = [...files.flatMap((f) => f.errors), ...duplicatePolicyNames(dir, policies)];
  return errors.length ? { ok: false, errors } : { ok: true, policies };
}

/** Each policy file of a folder, checked on its own; rejects only when the folder cannot be listed. */
export async function readPolicyFiles(dir: string): Promise<PolicyFile[]> {
  const names = (await readdir(dir)).filter((n) => policyFile.test(n)).sort();
  const files: PolicyFile[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const text = await readFile(file, 'utf8').catch((error: Error) => error);
    files.push(typeof text === 'string' ? { file, ...parsePolicies(text, file) } : { file, policies: [], errors: [`${file}: ${text.message}`] });
  }
  return files;
}

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
