// The one home of the Kubernetes API client for the webhook and the CLI: where its configuration comes
// from and how its failures read. The library is loaded on first use: importing it costs the webhook
// more than the rest of its start-up.
import type * as ClientNode from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { errorMessage } from '../../wire/errorMessage.js';

export type ClientLibrary = typeof ClientNode;

export function clientLibrary(): Promise<ClientLibrary> {
  return import('@kubernetes/client-node');
}

/** The kubeconfig `file`, or else the in-cluster config, KUBECONFIG or ~/.kube/config. */
export async function kubeConfig(file?: string): Promise<{ library: ClientLibrary; config: KubeConfig }> {
  const library = await clientLibrary();
  const config = new library.KubeConfig();
  if (file === undefined) config.loadFromDefault();
  else config.loadFromFile(file);
  return { library, config };
}

/** The HTTP status of a failed API call (client-node's ApiException, or a watch's error), if it has one. */
export function apiStatus(error: unknown): number | undefined {
  const failure = error as { code?: unknown; statusCode?: unknown } | null;
  if (typeof failure?.code === 'number') return failure.code;
  return typeof failure?.statusCode === 'number' ? failure.statusCode : undefined;
}

/** Runs an API read; a 404 is an answer (the object does not exist), anything else a failure. */
export async function orAbsent<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (apiStatus(error) === 404) return undefined;
    throw error;
  }
}

/**
 * An API failure as `HTTP 403 Forbidden: <the API server's message>`. An ApiException's own message
 * carries the whole response, headers included: only the status is kept.
 */
export function describeApiError(error: unknown): string {
  const code = apiStatus(error);
  if (code === undefined) return errorMessage(error);
  const body: unknown = (error as { body?: unknown }).body;
  let status: { reason?: unknown; message?: unknown } = {};
  try {
    status = (typeof body === 'string' ? JSON.parse(body) : (body ?? {})) as typeof status;
  } catch {
    // Not a Status object (a proxy's HTML page, say): the code alone has to do.
  }
  const reason = typeof status.reason === 'string' ? ` ${status.reason}` : '';
  const message = typeof status.message === 'string' ? `: ${status.message}` : '';
  return `HTTP ${code}${reason}${message}`;
}
