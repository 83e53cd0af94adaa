import { watch, type FSWatcher } from 'node:fs';
import { loadPolicyDirectory } from '../policy/loadPolicyDirectory.js';
import { policySet } from '../policy/policySet.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { log } from './log.js';

export interface PolicyStore {
  current(): readonly EffectivePolicy[];
  /** The errors of the last failed reload, while the last good set stays in force; empty when healthy. */
  lastErrors(): readonly string[];
  reload(): Promise<boolean>;
  close(): void;
}

/**
 * The policies in force: the built-in default plus the folder's. A folder change is picked up within
 * about a second; a bad change is logged and kept out, and the last good set stays in force.
 */
export async function policyStore(dir: string | undefined): Promise<PolicyStore> {
  let policies = policySet([]);
  let errors: string[] = [];
  const reload = async (): Promise<boolean> => {
    if (dir === undefined) return true;
    const load = await loadPolicyDirectory(dir);
    if (!load.ok) {
      errors = load.errors;
      log('error', 'policy reload refused; the last good policies stay in force', { dir, errors });
      return false;
    }
    policies = policySet(load.policies);
    errors = [];
    log('info', 'policies loaded', { dir, policies: policies.map((p) => p.name) });
    return true;
  };
  if (!(await reload())) throw new Error(`policies in ${dir} are invalid:\n  ${errors.join('\n  ')}`);
  let watcher: FSWatcher | undefined;
  let pending: NodeJS.Timeout | undefined;
  if (dir !== undefined) {
    // Editors and git write files in several steps; wait for the burst to settle before reading.
    watcher = watch(dir, () => {
      clearTimeout(pending);
      pending = setTimeout(() => void reload(), 200);
    });
    watcher.on('error', (error) => log('warn', 'policy folder watch failed', { dir, error: error.message }));
  }
  return {
    current: () => policies,
    lastErrors: () => errors,
    reload,
    close: () => {
      clearTimeout(pending);
      watcher?.close();
    },
  };
}
