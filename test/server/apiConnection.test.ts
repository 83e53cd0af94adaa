import { createServer, type Server } from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { apiConnection, ApiError } from '../../src/edges/kubernetes/apiConnection.js';
import { selfSignedCertificate } from '../../src/edges/http/selfSignedCertificate.js';

// The webhook's own HTTPS client against an HTTPS server standing in for the API server: the kubeconfig's
// CA, server and token as client-node reads them, errors with their status, and a watch stream read line by line.
const { cert, key } = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] });
const dir = mkdtempSync(join(tmpdir(), 'rrw-kubeconfig-'));
let server: Server;
let port = 0;
const seen: { path: string; authorization?: string }[] = [];

beforeAll(async () => {
  server = createServer({ cert, key }, (req, res) => {
    seen.push({ path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (req.url?.startsWith('/apis/apps/v1/namespaces/shop/statefulsets/cache')) {
      res.end(JSON.stringify({ metadata: { name: 'cache' } }));
      return;
    }
    if (req.url?.includes('watch=1')) {
      // Events split across writes, as a stream delivers them.
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"2"}}}\n{"type":"MOD');
      setTimeout(() => res.end('IFIED","object":{"metadata":{"name":"a","resourceVersion":"3"}}}\n'), 20);
      return;
    }
    res.statusCode = 403;
    res.end(JSON.stringify({ kind: 'Status', reason: 'Forbidden', message: 'no' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function kubeconfig(user: Record<string, unknown>): string {
  const file = join(dir, `config-${seen.length}-${Object.keys(user).join('-')}`);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'test',
    contexts: [{ name: 'test', context: { cluster: 'local', user: 'me' } }],
    clusters: [
      { name: 'local', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': Buffer.from(cert).toString('base64') } },
    ],
    users: [{ name: 'me', user }],
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function withKubeconfig<T>(file: string, run: () => Promise<T>): Promise<T> {
  const before = { ...process.env };
  process.env.KUBECONFIG = file;
  delete process.env.KUBERNETES_SERVICE_HOST;
  return run().finally(() => {
    process.env = before;
  });
}

test("reads with the kubeconfig's CA and token; an error answer is an ApiError with its status", async () => {
  await withKubeconfig(kubeconfig({ token: 's3cret' }), async () => {
    const connection = apiConnection();
    await expect(connection.get('/apis/apps/v1/namespaces/shop/statefulsets/cache')).resolves.toEqual({ metadata: { name: 'cache' } });
    expect(seen.at(-1)).toEqual({ path: '/apis/apps/v1/namespaces/shop/statefulsets/cache', authorization: 'Bearer s3cret' });
    const refused = await connection.get('/api/v1/secrets').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe(403);
  });
});

test('a watch delivers every event, also when one arrives in pieces, then ends', async () => {
  await withKubeconfig(kubeconfig({ token: 't' }), async () => {
    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      apiConnection().watch(
        '/apis/apps/v1/statefulsets?watch=1',
        (e) => events.push(`${e.type} ${e.object.metadata?.resourceVersion}`),
        (error) => (error === undefined ? resolve() : reject(new Error('the watch ended with an error', { cause: error }))),
      );
    });
    expect(events).toEqual(['ADDED 2', 'MODIFIED 3']);
  });
});

test('a user that authenticates through a plugin is refused with the reason', async () => {
  await withKubeconfig(kubeconfig({ exec: { command: 'aws' } }), async () => {
    await expect(apiConnection().get('/x')).rejects.toThrow('authenticates through a plugin; the webhook reads with a client certificate or a token');
  });
});
