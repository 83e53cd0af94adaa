import type { KubernetesObject } from '@kubernetes/client-node';
import type { ApiConnection } from './apiConnection.js';
import { informerLoop, type InformerLoop } from './informerLoop.js';
import { apiStatus, describeApiError } from './kubernetesClient.js';
import { checkClusterPolicies } from '../../core/policy/checkClusterPolicies.js';
import type { PolicyLoad } from '../../core/policy/parsePolicies.js';
import { replicationPolicyResource } from '../../core/policy/replicationPolicyResource.js';

/** What the watch tells the holder of the policies. */
export interface ClusterPolicyListener {
  /** The cluster's ReplicationPolicy objects, checked: after the first list and after every change. */
  policies(load: PolicyLoad): void;
  /** The objects could not be listed or watched; the watch tries again by itself. */
  trouble(error: string): void;
}

export interface ClusterPolicyWatch {
  /** Starts watching. Resolves once the first list has been tried, whatever came of it; never rejects. */
  start(listener: ClusterPolicyListener): Promise<void>;
  close(): void;
}

const { group, version, plural } = replicationPolicyResource;
const resource = `${plural}.${group}`;

/** An API error as one line, with the likely cause of the two errors a deployment can fix itself. */
function describeTrouble(error: unknown): string {
  const code = apiStatus(error);
  const hint =
    code === 404
      ? ' (is the CRD installed? kubectl apply -k kustomize/base/crd)'
      : code === 403
        ? ' (does the ClusterRole allow list and watch?)'
        : '';
  return `cluster policies: cannot list or watch ${resource}: ${describeApiError(error)}${hint}`;
}

/**
 * The cluster's ReplicationPolicy objects, listed and then watched through the API (in-cluster config, or
 * KUBECONFIG / ~/.kube/config). A burst of changes (the first list, a kustomize apply of many policies) is
 * checked once, after `settleMs`. When the API cannot be reached the watch reports it and tries again
 * every `retryMs` (informerLoop).
 */
export function kubernetesClusterPolicyWatch(connection: ApiConnection, retryMs = 5_000, settleMs = 100): ClusterPolicyWatch {
  let loop: InformerLoop<KubernetesObject> | undefined;
  let settle: NodeJS.Timeout | undefined;
  return {
    start(listener) {
      const publish = () => {
        clearTimeout(settle);
        if (loop?.synced()) listener.policies(checkClusterPolicies(loop.list()));
      };
      loop = informerLoop<KubernetesObject>({
        connection,
        path: `/apis/${group}/${version}/${plural}`,
        retryMs,
        onChange: () => {
          clearTimeout(settle);
          settle = setTimeout(publish, settleMs);
        },
        onTrouble: (error) => listener.trouble(describeTrouble(error)),
        // After a successful (re)start, also when nothing changed: it clears the trouble reported before.
        onSynced: publish,
      });
      return loop.start();
    },
    close() {
      clearTimeout(settle);
      loop?.close();
    },
  };
}
