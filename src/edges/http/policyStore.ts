import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../wire/errorMessage.js';
import { loadPolicyDirectory } from '../files/loadPolicyDirectory.js';
import { policySet } from '../../core/policy/policySet.js';
import type { EffectivePolicy } from '../../core/policy/replicationPolicy.js';
import type { ClusterPolicyListener, ClusterPolicyWatch } from '../kubernetes/clusterPolicyWatch.js';
import { log } from '../telemetry/log.js';
import type { ReloadResult } from '../telemetry/metrics.js';
import { watchMountedFiles } from '../files/mountedFiles.js';

export interface PolicyStore {
  current(): readonly EffectivePolicy[];
  /** The errors of the last failed reload of each source, while the last good set stays in force; empty when healthy. */
  lastErrors(): readonly string[];
  close(): void;
}

/** How long start-up waits for the first list of the cluster's policies before serving without them. */
const firstClusterListMs = 10_000;

/**
 * The policies in force: the built-in default, the folder's, and with `cluster` the cluster's
 * ReplicationPolicy objects, each replacing a policy of the same name from before (policySet). A folder
 * change is picked up within about a second (watchMountedFiles), a cluster change as it is watched; a bad change is logged
 * and kept out, and the last good set of that source stays in force. `onReload` hears every load of
 * either source, the first ones included.
 */
export async function policyStore(
  dir: string | undefined,
  onReload: (result: ReloadResult) => void,
  cluster?: ClusterPolicyWatch,
): Promise<PolicyStore> {
  let filePolicies: EffectivePolicy[] = [];
  let clusterPolicies: EffectivePolicy[] = [];
  let policies = policySet();
  let errors: string[] = [];
  let clusterErrors: string[] = [];
  const reload = async (): Promise<boolean> => {
    if (dir === undefined) return true;
    const load = await loadPolicyDirectory(dir);
    if (!load.ok) {
      errors = load.errors;
      onReload('failure');
      log('error', 'policy reload refused; the last good policies stay in force', { dir, errors });
      return false;
    }
    filePolicies = load.policies;
    policies = policySet(filePolicies, clusterPolicies);
    errors = [];
    onReload('success');
    log('info', 'policies loaded', { dir, policies: policies.map((p) => p.name) });
    return true;
  };
  if (!(await reload())) throw new Error(`policies in ${dir} are invalid:\n  ${errors.join('\n  ')}`);
  const clusterListener: ClusterPolicyListener = {
    policies(load) {
      if (!load.ok) {
        clusterErrors = load.errors;
        onReload('failure');
        log('error', 'cluster policies refused; the last good policies stay in force', { errors: clusterErrors });
        return;
      }
      clusterPolicies = load.policies;
      policies = policySet(filePolicies, clusterPolicies);
      clusterErrors = [];
      onReload('success');
      log('info', 'cluster policies loaded', { cluster: clusterPolicies.map((p) => p.name), policies: policies.map((p) => p.name) });
    },
    trouble(error) {
      // Retries repeat the same error every few seconds: log it when it changes.
      if (clusterErrors[0] !== error) log('warn', 'cluster policies unavailable; the last good policies stay in force', { error });
      clusterErrors = [error];
    },
  };
  if (cluster !== undefined) await startClusterWatch(cluster, clusterListener);
  const watch =
    dir === undefined
      ? undefined
      : watchMountedFiles({
          read: () => folderContents(dir),
          initial: await folderContents(dir),
          same: (a, b) => a === b,
          onChange: () => void reload(),
          onUnreadable: (error) =>
            log('warn', 'policy folder not readable; the last good policies stay in force', { dir, error: errorMessage(error) }),
        });
  return {
    current: () => policies,
    lastErrors: () => [...errors, ...clusterErrors],
    close: () => {
      watch?.close();
      cluster?.close();
    },
  };
}

/**
 * Waits for the first list of the cluster's policies, so a new pod does not answer with the files'
 * older copies, but not forever: an API server that does not answer must not keep the webhook down.
 */
async function startClusterWatch(cluster: ClusterPolicyWatch, listener: ClusterPolicyListener): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, firstClusterListMs, 'late')));
  const first = await Promise.race([cluster.start(listener), late]);
  clearTimeout(timer);
  if (first === 'late')
    log('warn', 'no answer to the first list of cluster policies yet; serving without them meanwhile', { waitedMs: firstClusterListMs });
}

/** Every file of the folder, by name and content: what a change of the policies changes. */
async function folderContents(dir: string): Promise<string> {
  const names = (await readdir(dir)).sort();
  const contents = await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8').catch(() => '(not a readable file)')));
  return names.map((name, i) => `${name}\0${contents[i]}`).join('\0\0');
}
