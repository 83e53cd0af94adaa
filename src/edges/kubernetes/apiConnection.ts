import { readFileSync } from 'node:fs';
import { request, type Agent, type RequestOptions } from 'node:https';
import { Agent as HttpsAgent } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The Kubernetes API over plain HTTPS, for what the webhook itself reads and watches (a few GETs and two
 * watches): loading @kubernetes/client-node for that costs the webhook ~400 ms of start and ~40 MB, more
 * than the rest of it (`verify` keeps using client-node). Configuration as client-node reads it: in-cluster
 * (service account token and CA), else KUBECONFIG or ~/.kube/config with a client certificate or a token.
 */
export interface ApiConnection {
  /** GET `path` as JSON; rejects with an ApiError (`code`, `body`) when the API server answers with an error. */
  get<T>(path: string): Promise<T>;
  /** Server-side apply of `object` at `path` as `fieldManager`, taking over fields others own (force): the object as stored. */
  apply<T>(path: string, object: unknown, fieldManager: string): Promise<T>;
  /** POST `object` to the collection at `path`: the object as stored; 409 when it exists already. */
  create<T>(path: string, object: unknown): Promise<T>;
  /** PUT `object` at `path`; with its metadata.resourceVersion, 409 when the stored object changed since. */
  replace<T>(path: string, object: unknown): Promise<T>;
  /** DELETE `path`; a 404 counts as done. */
  delete(path: string): Promise<void>;
  /** A watch request: every event, then `onEnd` once the stream ends or fails. */
  watch(path: string, onEvent: (event: WatchEvent) => void, onEnd: (error?: unknown) => void): { abort(): void };
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: { metadata?: { name?: string; namespace?: string; resourceVersion?: string }; code?: number; message?: string };
}

/** An answer of the API server that is not a success, with its HTTP status as `code` (as client-node's ApiException). */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
  ) {
    super(`HTTP ${code}`);
  }
}

interface Endpoint {
  server: URL;
  agent: Agent;
  /** The bearer token now (a projected token file rotates), if the user has one. */
  token?: () => string;
}

const serviceAccount = '/var/run/secrets/kubernetes.io/serviceaccount';

type Named<T> = { name: string } & T;
interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Named<{ context?: { cluster?: string; user?: string } }>[];
  clusters?: Named<{ cluster?: Record<string, string | boolean | undefined> }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
}

function fileOrData(entry: Record<string, unknown> | undefined, key: string, base: string): Buffer | undefined {
  const data = entry?.[`${key}-data`];
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  const file = entry?.[key];
  return typeof file === 'string' ? readFileSync(file.startsWith('/') ? file : join(base, file)) : undefined;
}

function fromKubeconfig(file: string): Endpoint {
  const config = parse(readFileSync(file, 'utf8')) as KubeconfigFile;
  const base = join(file, '..');
  const context = config.contexts?.find((c) => c.name === config['current-context'])?.context;
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context?.user)?.user ?? {};
  if (!cluster || typeof cluster.server !== 'string')
    throw new Error(`${file}: no cluster for the current context "${config['current-context'] ?? ''}"`);
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw new Error(`${file}: user "${context?.user ?? ''}" authenticates through a plugin; the webhook reads with a client certificate or a token`);
  }
  const token = typeof user.token === 'string' ? user.token : undefined;
  const tokenFile = typeof user.tokenFile === 'string' ? user.tokenFile : undefined;
  const ca = fileOrData(cluster, 'certificate-authority', base);
  const cert = fileOrData(user, 'client-certificate', base);
  const key = fileOrData(user, 'client-key', base);
  const agent = new HttpsAgent({
    keepAlive: true,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
  });
  return {
    server: new URL(cluster.server),
    agent,
    ...(token ? { token: () => token } : tokenFile ? { token: () => readFileSync(tokenFile, 'utf8').trim() } : {}),
  };
}

/** The namespace of the pod this runs in, from its service account; undefined outside a pod. */
export function podNamespace(): string | undefined {
  try {
    return readFileSync(`${serviceAccount}/namespace`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function endpoint(): Endpoint {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  if (host && process.env.KUBERNETES_SERVICE_PORT) {
    const agent = new HttpsAgent({ keepAlive: true, ca: readFileSync(`${serviceAccount}/ca.crt`) });
    const server = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${process.env.KUBERNETES_SERVICE_PORT}`);
    return { server, agent, token: () => readFileSync(`${serviceAccount}/token`, 'utf8').trim() };
  }
  const file = process.env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config');
  return fromKubeconfig(file);
}

export function apiConnection(): ApiConnection {
  let resolved: Endpoint | undefined;
  const options = (path: string, timeoutMs?: number): RequestOptions => {
    resolved ??= endpoint();
    const token = resolved.token?.();
    return {
      host: resolved.server.hostname.replace(/^\[|\]$/g, ''),
      port: resolved.server.port || 443,
      path: `${resolved.server.pathname.replace(/\/$/, '')}${path}`,
      agent: resolved.agent,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    };
  };
  /** One request and its JSON answer; a status other than 2xx rejects with an ApiError. */
  const call = <T>(method: string, path: string, body?: { contentType: string; text: string }): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const base = options(path, 10_000);
      const headers = { ...base.headers, ...(body ? { 'content-type': body.contentType, 'content-length': Buffer.byteLength(body.text) } : {}) };
      const req = request({ ...base, method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299) return reject(new ApiError(code, text));
          try {
            resolve(JSON.parse(text) as T);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
      req.on('error', reject);
      req.end(body?.text);
    });
  return {
    get: <T>(path: string) => call<T>('GET', path),
    apply: <T>(path: string, object: unknown, fieldManager: string) =>
      call<T>('PATCH', `${path}?fieldManager=${encodeURIComponent(fieldManager)}&force=true`, {
        contentType: 'application/apply-patch+yaml',
        // JSON is YAML: the API server reads it as the apply configuration.
        text: JSON.stringify(object),
      }),
    create: <T>(path: string, object: unknown) => call<T>('POST', path, { contentType: 'application/json', text: JSON.stringify(object) }),
    replace: <T>(path: string, object: unknown) => call<T>('PUT', path, { contentType: 'application/json', text: JSON.stringify(object) }),
    delete: (path: string) =>
      call('DELETE', path).then(
        () => undefined,
        (error: unknown) => {
          if (error instanceof ApiError && error.code === 404) return undefined;
          throw error;
        },
      ),
    watch(path, onEvent, onEnd) {
      let ended = false;
      const end = (error?: unknown) => {
        if (ended) return;
        ended = true;
        onEnd(error);
      };
      const req = request(options(path), (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => end(new ApiError(res.statusCode ?? 0, body)));
          return;
        }
        // One JSON object per line; a line may arrive in pieces.
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          pending += chunk;
          let newline: number;
          while ((newline = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, newline).trim();
            pending = pending.slice(newline + 1);
            if (line === '') continue;
            try {
              onEvent(JSON.parse(line) as WatchEvent);
            } catch (error) {
              req.destroy(error instanceof Error ? error : new Error(String(error)));
            }
          }
        });
        res.on('end', () => end());
        res.on('error', end);
      });
      req.on('error', end);
      req.end();
      return { abort: () => req.destroy() };
    },
  };
}
