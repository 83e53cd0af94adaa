import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';

/** The reads the core asks of the cluster (see `readsFor`): each undefined when the object does not exist; other failures reject. */
export interface ClusterReads {
  statefulSet(namespace: string, name: string): Promise<V1StatefulSet | undefined>;
  /** Absent when the webhook was not asked to read Services (serve --check-services). */
  service?(namespace: string, name: string): Promise<V1Service | undefined>;
}

/** A 404 is an answer (the object does not exist); anything else is a failure. */
async function orAbsent<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

/**
 * The reads through the Kubernetes API: in-cluster config, or KUBECONFIG / ~/.kube/config. The client
 * is loaded on the first read: importing it costs more than the rest of start-up.
 */
export function kubernetesClusterReads(options: { services: boolean }): ClusterReads {
  let connected: Promise<ClusterReads> | undefined;
  const connect = async (): Promise<ClusterReads> => {
    const { AppsV1Api, CoreV1Api, KubeConfig } = await import('@kubernetes/client-node');
    const config = new KubeConfig();
    config.loadFromDefault();
    const apps = config.makeApiClient(AppsV1Api);
    const core = config.makeApiClient(CoreV1Api);
    return {
      statefulSet: (namespace, name) => orAbsent(apps.readNamespacedStatefulSet({ namespace, name })),
      service: (namespace, name) => orAbsent(core.readNamespacedService({ namespace, name })),
    };
  };
  const reads = () => (connected ??= connect());
  return {
    statefulSet: async (namespace, name) => (await reads()).statefulSet(namespace, name),
    ...(options.services ? { service: async (namespace: string, name: string) => (await reads()).service!(namespace, name) } : {}),
  };
}
