import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { kubeConfig, orAbsent } from '../kubernetes/kubernetesClient.js';

/** The reads the core asks of the cluster (see `readsFor`): each undefined when the object does not exist; other failures reject. */
export interface ClusterReads {
  statefulSet(namespace: string, name: string): Promise<V1StatefulSet | undefined>;
  /** Absent when the webhook was not asked to read Services (serve --check-services). */
  service?(namespace: string, name: string): Promise<V1Service | undefined>;
}

/**
 * The reads through the Kubernetes API: in-cluster config, or KUBECONFIG / ~/.kube/config. The client
 * is loaded on the first read: importing it costs more than the rest of start-up.
 */
export function kubernetesClusterReads(options: { services: boolean; onRead?: (object: 'statefulset' | 'service') => void }): ClusterReads {
  let connected: Promise<ClusterReads> | undefined;
  const connect = async (): Promise<ClusterReads> => {
    const { library, config } = await kubeConfig();
    const apps = config.makeApiClient(library.AppsV1Api);
    const core = config.makeApiClient(library.CoreV1Api);
    return {
      statefulSet: (namespace, name) => orAbsent(apps.readNamespacedStatefulSet({ namespace, name })),
      service: (namespace, name) => orAbsent(core.readNamespacedService({ namespace, name })),
    };
  };
  const reads = () => (connected ??= connect());
  return {
    statefulSet: async (namespace, name) => {
      options.onRead?.('statefulset');
      return (await reads()).statefulSet(namespace, name);
    },
    ...(options.services
      ? {
          service: async (namespace: string, name: string) => {
            options.onRead?.('service');
            return (await reads()).service!(namespace, name);
          },
        }
      : {}),
  };
}
