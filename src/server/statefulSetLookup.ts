import type { V1StatefulSet } from '@kubernetes/client-node';

/** Reads a StatefulSet; undefined when it does not exist. Other failures reject. */
export type StatefulSetLookup = (namespace: string, name: string) => Promise<V1StatefulSet | undefined>;

/**
 * The lookup through the Kubernetes API: in-cluster config, or KUBECONFIG / ~/.kube/config.
 * The client is loaded on the first scale request: importing it costs more than the rest of start-up.
 */
export function kubernetesStatefulSetLookup(): StatefulSetLookup {
  let read: StatefulSetLookup | undefined;
  const connect = async (): Promise<StatefulSetLookup> => {
    const { AppsV1Api, KubeConfig } = await import('@kubernetes/client-node');
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
  };
  return async (namespace, name) => {
    read ??= await connect();
    return read(namespace, name);
  };
}
