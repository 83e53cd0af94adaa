import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { selfSignedCertificate } from '../../src/edges/http/selfSignedCertificate.js';
import { kubectl, kubectlOk } from '../fixtures/kubectl.js';
import { replicationGroupYaml } from '../fixtures/manifest.js';

// The webhook hosted as a function that scales from zero: a `url:` webhook configuration in front of a
// socket-activation stand-in, which starts the function host (the bundle's Fetch handler behind HTTPS) on the
// first connection only. The API server's first admission waits for that cold start, within timeoutSeconds.
const cluster = fileURLToPath(new URL('../cluster/', import.meta.url));
const bundle = fileURLToPath(new URL('../../dist/function/webhook.mjs', import.meta.url));
const host = fileURLToPath(new URL('../fixtures/functionHost.mjs', import.meta.url));
const ns = `e2e-function-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'rrw-function-'));
const { cert, key } = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] });
writeFileSync(join(dir, 'tls.crt'), cert);
writeFileSync(join(dir, 'tls.key'), key);

let proxy: Server;
// The API server keeps its connections alive; close() would wait for them, so the test ends them itself.
const sockets = new Set<Socket>();
let child: ChildProcess | undefined;
let coldStart: { connectedAt: number; readyAt?: number; readyMs?: number } | undefined;

/** Starts the function host once, on the first connection; resolves with its port. */
let hostPort: Promise<number> | undefined;
function startHost(): Promise<number> {
  return (hostPort ??= new Promise((resolve, reject) => {
    coldStart = { connectedAt: performance.now() };
    child = spawn(process.execPath, [host, bundle, join(dir, 'tls.crt'), join(dir, 'tls.key')], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', (line: Buffer) => {
      const { port, readyMs } = JSON.parse(line.toString()) as { port: number; readyMs: number };
      Object.assign(coldStart!, { readyAt: performance.now(), readyMs });
      resolve(port);
    });
    child.once('exit', (code) => reject(new Error(`function host exited with ${code}`)));
  }));
}

function track(socket: Socket): Socket {
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
  return socket;
}

beforeAll(async () => {
  proxy = createServer((socket) => {
    socket.pause();
    track(socket);
    void startHost().then((port) => {
      const upstream = track(
        createConnection({ host: '127.0.0.1', port }, () => {
          socket.pipe(upstream).pipe(socket);
          socket.resume();
        }),
      );
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const configs = execFileSync(process.execPath, [join(cluster, 'register-webhook.mjs'), url, join(dir, 'tls.crt')], { encoding: 'utf8' });
  await kubectlOk(['apply', '-f', '-'], configs);
  await kubectlOk(['create', 'namespace', ns]);
}, 60_000);

afterAll(async () => {
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  const exited = child && child.exitCode === null ? new Promise((resolve) => child!.once('exit', resolve)) : undefined;
  child?.kill();
  const closed = new Promise((resolve) => proxy.close(resolve));
  for (const socket of sockets) socket.destroy();
  await Promise.all([exited, closed]);
  // The in-cluster webhook registered again, for the test files after this one.
  execFileSync('bash', [`${cluster}webhook-up.sh`], { stdio: ['ignore', 'ignore', 'inherit'] });
}, 60_000);

// The API server itself holds the first admission to timeoutSeconds (5): a slower cold start fails the apply.
test('the first labeled StatefulSet starts the function and is admitted, mutated, within timeoutSeconds; the next ones find it warm', async () => {
  expect(child).toBeUndefined();
  const started = performance.now();
  await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'cold'));
  const firstMs = performance.now() - started;
  const stored = JSON.parse(await kubectlOk(['get', 'statefulset', 'cold', '-n', ns, '-o', 'json'])) as V1StatefulSet;
  expect(stored.spec!.template.spec!.initContainers?.map((c) => c.name)).toEqual(['redis-replication-init']);
  expect(coldStart?.readyMs).toBeDefined();
  const warm = performance.now();
  await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'warm'));
  const warmMs = performance.now() - warm;
  const refused = await kubectl(
    ['apply', '-f', '-'],
    replicationGroupYaml(ns, 'oversized', (s) => (s.spec!.replicas = 40)),
  );
  expect(refused.stderr).toContain('spec.replicas: found 40; allowed 2 to 9');
  console.info(
    `function host: started by the first connection, ready ${coldStart!.readyMs!.toFixed(0)} ms after its start (${(coldStart!.readyAt! - coldStart!.connectedAt).toFixed(0)} ms after the connection); ` +
      `first kubectl apply ${firstMs.toFixed(0)} ms, a warm one ${warmMs.toFixed(0)} ms (timeoutSeconds 5)`,
  );
}, 60_000);
