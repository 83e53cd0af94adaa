import type { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { kubeConfig } from '../../edges/kubernetes/kubernetesClient.js';

export interface KubernetesApis {
  apps: AppsV1Api;
  core: CoreV1Api;
}

/** The clients `verify` needs, from a kubeconfig file, or else the in-cluster config, KUBECONFIG or ~/.kube/config. */
export async function kubernetesApis(kubeconfigFile: string | undefined): Promise<KubernetesApis> {
  const { library, config } = await kubeConfig(kubeconfigFile);
  return { apps: config.makeApiClient(library.AppsV1Api), core: config.makeApiClient(library.CoreV1Api) };
}
