import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../wire/errorMessage.js';
import { duplicatePolicyNames, parsePolicies, type PolicyLoad } from '../../core/policy/parsePolicies.js';
import type { EffectivePolicy } from '../../core/policy/replicationPolicy.js';

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
