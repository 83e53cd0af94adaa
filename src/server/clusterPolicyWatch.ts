import type { Informer, KubernetesObject, ObjectCache } from '@kubernetes/client-node';
import { apiStatus, describeApiError, kubeConfig } from '../kubernetes/kubernetesClient.js';
import { checkClusterPolicies } from '../policy/checkClusterPolicies.js';
import type { PolicyLoad } from '../policy/parsePolicies.js';
import { replicationPolicyResource } from '../policy/replicationPolicyResource.js';

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
 * every `retryMs`. The client is loaded here, not at start-up: importing it costs more than the rest of it.
 */
export function kubernetesClusterPolicyWatch(retryMs = 5_000, settleMs = 100): ClusterPolicyWatch {
  let informer: (Informer<KubernetesObject> & ObjectCache<KubernetesObject>) | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let settle: NodeJS.Timeout | undefined;
  return {
    start(listener) {
      let failed = false;
      const publish = () => {
        clearTimeout(settle);
        if (informer && !closed) listener.policies(checkClusterPolicies(informer.list()));
      };
      const fail = (error: unknown) => {
        // Stopping the informer aborts its watch request, which it reports as an error.
        if (closed) return;
        failed = true;
        listener.trouble(describeTrouble(error));
        clearTimeout(retry);
        retry = setTimeout(() => void attempt(), retryMs);
      };
      const connect = async () => {
        const { library, config } = await kubeConfig();
        const api = config.makeApiClient(library.CustomObjectsApi);
        const created = library.makeInformer<KubernetesObject>(config, `/apis/${group}/${version}/${plural}`, () =>
          api.listClusterCustomObject({ group, version, plural }),
        );
        created.on('change', () => {
          clearTimeout(settle);
          settle = setTimeout(publish, settleMs);
        });
        // The informer does not restart after an error (a failed list, a broken watch): `fail` does.
        created.on('error', fail);
        return created;
      };
      const attempt = async () => {
        failed = false;
        try {
          informer ??= await connect();
          await informer.start();
        } catch (error) {
          fail(error);
        }
        // After a successful (re)start, also when nothing changed: it clears the trouble reported before.
        if (!failed) publish();
      };
      return attempt();
    },
    close() {
      closed = true;
      clearTimeout(retry);
      clearTimeout(settle);
      void informer?.stop();
    },
  };
}
