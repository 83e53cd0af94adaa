import type { V1ConfigMap, V1PodDisruptionBudget, V1PodDisruptionBudgetList, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import type { ReadConfigMap } from './configMapReads.js';
import type { ApiConnection } from './apiConnection.js';
import { orAbsent } from './kubernetesClient.js';

/** The reads the core asks of the cluster (see `readsFor`): each undefined when the object does not exist; other failures reject. */
export interface ClusterReads {
  statefulSet(namespace: string, name: string): Promise<V1StatefulSet | undefined>;
  /** Absent when the webhook was not asked to read Services (serve --check-services). */
  service?(namespace: string, name: string): Promise<V1Service | undefined>;
  /** Absent when the webhook was not asked to read ConfigMaps (serve --check-config-files). */
  configMap?: ReadConfigMap;
  /** Absent unless the audit runs (serve --audit-interval): a namespace's PodDisruptionBudgets. */
  disruptionBudgets?: (namespace: string) => Promise<V1PodDisruptionBudget[]>;
}

/** The reads through the Kubernetes API (apiConnection: in-cluster config, or KUBECONFIG / ~/.kube/config). */
export function kubernetesClusterReads(options: {
  connection: ApiConnection;
  services: boolean;
  configMaps: boolean;
  disruptionBudgets: boolean;
  onRead?: (object: 'statefulset' | 'service' | 'configmap') => void;
}): ClusterReads {
  const { connection } = options;
  const read = <T>(path: string) => orAbsent(connection.get<T>(path));
  const segment = encodeURIComponent;
  return {
    statefulSet: (namespace, name) => {
      options.onRead?.('statefulset');
      return read<V1StatefulSet>(`/apis/apps/v1/namespaces/${segment(namespace)}/statefulsets/${segment(name)}`);
    },
    ...(options.services
      ? {
          service: (namespace: string, name: string) => {
            options.onRead?.('service');
            return read<V1Service>(`/api/v1/namespaces/${segment(namespace)}/services/${segment(name)}`);
          },
        }
      : {}),
    ...(options.configMaps
      ? {
          configMap: (namespace: string, name: string) => {
            options.onRead?.('configmap');
            return read<V1ConfigMap>(`/api/v1/namespaces/${segment(namespace)}/configmaps/${segment(name)}`);
          },
        }
      : {}),
    ...(options.disruptionBudgets
      ? {
          disruptionBudgets: async (namespace: string) =>
            (await connection.get<V1PodDisruptionBudgetList>(`/apis/policy/v1/namespaces/${segment(namespace)}/poddisruptionbudgets`)).items,
        }
      : {}),
  };
}
