import { AppsV1Api, KubeConfig, type V1StatefulSet } from '@kubernetes/client-node';

/** Reads a StatefulSet; undefined when it does not exist. Other failures reject. */
export type StatefulSetLookup = (namespace: string, name: string) => Promise<V1StatefulSet | undefined>;

/** The lookup through the Kubernetes API: in-cluster config, or KUBECONFIG / ~/.kube/config. */
export function kubernetesStatefulSetLookup(): StatefulSetLookup {
  const config = new KubeConfig();
  config.loadFromDefault();
  const api = config.makeApiClient(AppsV1Api);
  return async (namespace, name) => {
    try {
      return await api.readNamespacedStatefulSet({ namespace, name });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  };
}
