import { ApiException, AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { errorMessage } from '../errorMessage.js';

export interface KubernetesApis {
  apps: AppsV1Api;
  core: CoreV1Api;
}

/** Clients from a kubeconfig file, or else the in-cluster config, KUBECONFIG or ~/.kube/config. */
export function kubernetesApis(kubeconfigFile: string | undefined): KubernetesApis {
  const config = new KubeConfig();
  if (kubeconfigFile === undefined) config.loadFromDefault();
  else config.loadFromFile(kubeconfigFile);
  return { apps: config.makeApiClient(AppsV1Api), core: config.makeApiClient(CoreV1Api) };
}

/** An API failure as `HTTP 403 Forbidden: <the API server's message>`, without the headers ApiException carries. */
export function describeKubernetesError(error: unknown): string {
  if (!(error instanceof ApiException)) return errorMessage(error);
  const body: unknown = error.body;
  let status: { reason?: string; message?: string } = {};
  try {
    status = (typeof body === 'string' ? JSON.parse(body) : (body ?? {})) as typeof status;
  } catch {
    // Not a Status object (a proxy's HTML page, say): the code alone has to do.
  }
  return `HTTP ${error.code}${status.reason ? ` ${status.reason}` : ''}${status.message ? `: ${status.message}` : ''}`;
}
