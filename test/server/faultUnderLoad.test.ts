// Faults that arrive while the real server process is under load: a certificate rotation, SIGTERM and a
// broken policy file. Every answer is checked, and each test prints how many requests it covered.
import { Agent, request } from 'node:https';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { admissionReview, sampleStatefulSet } from '../fixtures/statefulSet.js';
import { startWebhook, type WebhookProcess } from '../fixtures/webhookProcess.js';
import { selfSignedCertificate } from '../../src/edges/http/selfSignedCertificate.js';
import { report, waitFor } from '../fixtures/eventually.js';

interface Answer {
  status: number;
  body: string;
  fingerprint: string;
  headers: Record<string, string | string[] | undefined>;
}

function post(port: number, ca: string, agent: Agent | false, path: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', ca, agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), fingerprint, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One admission the load sends, and the verdict it must get under the policy in force. */
interface Probe {
  path: '/mutate' | '/validate';
  replicas: number;
  expectAllowed: boolean;
  expectPatch: boolean;
}

const probes: Probe[] = [
  { path: '/mutate', replicas: 3, expectAllowed: true, expectPatch: true },
  { path: '/validate', replicas: 7, expectAllowed: true, expectPatch: false },
  { path: '/validate', replicas: 12, expectAllowed: false, expectPatch: false },
];

interface Load {
  /** Stops starting requests and resolves once every request in flight has its answer. */
  stop(): Promise<void>;
  sent: () => number;
  failures: string[];
  fingerprints: Set<string>;
}

/**
 * `workers` loops, each sending the probes in turn on a keep-alive connection (as the API server does),
 * and every `freshEvery`-th request on a new connection, so new TLS handshakes happen throughout.
 */
function startLoad(port: number, ca: string, workers = 4, freshEvery = 5): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const failures: string[] = [];
  const fingerprints = new Set<string>();
  let sent = 0;
  let running = true;
  const worker = async (id: number) => {
    for (let i = 0; running; i++) {
      const probe = probes[(i + id) % probes.length];
      const review = admissionReview(sampleStatefulSet({ replicas: probe.replicas }));
      sent++;
      try {
        const answer = await post(port, ca, i % freshEvery === 0 ? false : agent, probe.path, JSON.stringify(review));
        fingerprints.add(answer.fingerprint);
        const response = answer.status === 200 ? JSON.parse(answer.body).response : undefined;
        if (answer.status !== 200) failures.push(`${probe.path}: HTTP ${answer.status} ${answer.body}`);
        else if (response.uid !== review.request!.uid) failures.push(`${probe.path}: uid ${response.uid}`);
        else if (response.allowed !== probe.expectAllowed) failures.push(`${probe.path} replicas ${probe.replicas}: allowed ${response.allowed}`);
        else if ((response.patch !== undefined) !== probe.expectPatch) failures.push(`${probe.path}: patch ${response.patch !== undefined}`);
      } catch (error) {
        failures.push(`${probe.path}: ${(error as Error).message}`);
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, id) => worker(id)));
  return {
    stop: async () => {
      running = false;
      await done;
      agent.destroy();
    },
    sent: () => sent,
    failures,
    fingerprints,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('under load', () => {
  let webhook: WebhookProcess | undefined;
  afterEach(async () => {
    await webhook?.stop('SIGKILL');
    webhook = undefined;
  });

  test('certificate files replaced: no failed request, and the new certificate is served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rrw-fault-certs-'));
    const first = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] });
    const second = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] });
    writeFileSync(join(dir, 'tls.crt'), first.cert);
    writeFileSync(join(dir, 'tls.key'), first.key);
    const ca = first.cert + second.cert;
    webhook = await startWebhook(['--tls-cert-file', join(dir, 'tls.crt'), '--tls-private-key-file', join(dir, 'tls.key')], { ca });
    const load = startLoad(webhook.port, ca);
    await sleep(1000);
    // cert-manager writes the two files one after the other: for a while they do not match.
    writeFileSync(join(dir, 'tls.crt.new'), second.cert);
    renameSync(join(dir, 'tls.crt.new'), join(dir, 'tls.crt'));
    await sleep(1500);
    writeFileSync(join(dir, 'tls.key.new'), second.key);
    renameSync(join(dir, 'tls.key.new'), join(dir, 'tls.key'));
    const before = load.fingerprints.size;
    await waitFor(() => load.fingerprints.size > before);
    await sleep(1000);
    await load.stop();
    report('certificate rotation', { requests: load.sent(), failures: load.failures.length, certificatesSeen: load.fingerprints.size });
    expect(load.failures).toEqual([]);
    expect(load.fingerprints.size).toBe(2);
    expect(webhook.logs()).toContain('certificate files not usable yet; still serving the previous certificate');
    expect(webhook.logs()).toContain('serving certificate reloaded');
  }, 30_000);

  test('SIGTERM: readiness drops first, requests in flight finish, nothing is dropped, exit within the grace period', async () => {
    const delaySeconds = 2;
    const graceSeconds = 4;
    webhook = await startWebhook(['--shutdown-delay-seconds', String(delaySeconds), '--shutdown-grace-seconds', String(graceSeconds)]);
    const { port, ca } = webhook;
    const load = startLoad(port, ca);
    await sleep(1000);

    // A request in flight across the listener closing: half its body now, the rest after the delay.
    const body = JSON.stringify(admissionReview(sampleStatefulSet()));
    const kept = new Agent({ keepAlive: true, maxSockets: 1 });
    const slow = new Promise<Answer>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/mutate',
          method: 'POST',
          ca,
          agent: kept,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), fingerprint: '', headers: res.headers }),
          );
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 100));
      setTimeout(() => req.end(body.slice(100)), (delaySeconds + 1) * 1000);
    });
    await sleep(200);

    const signalled = Date.now();
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      webhook!.child.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    webhook.child.kill('SIGTERM');
    // The readiness probe, on a new connection each time, as the kubelet does.
    let notReadyAt = 0;
    await waitFor(async () => {
      const status = await webhook!.get('/readyz').then((r) => r.status);
      if (status === 503) notReadyAt = Date.now();
      return status === 503;
    });
    // Kubernetes takes a moment to remove the endpoint; then the API servers stop sending here.
    await sleep(300);
    await load.stop();
    const stoppedSendingAt = Date.now();
    // Until the delay is over, the listener still takes new connections (readiness dropped first).
    const newConnectionDuringDelay = await webhook.get('/healthz').then((r) => r.status);
    const stoppedBeforeListenerClosed = stoppedSendingAt - signalled < delaySeconds * 1000;

    await sleep(delaySeconds * 1000 - (Date.now() - signalled) + 300);
    const afterDelay = await webhook.get('/healthz').then(
      (r) => `HTTP ${r.status}`,
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    const slowAnswer = await slow;
    // The next request on that kept-alive connection, after the listener closed: answered, with the
    // client told not to reuse the connection.
    const followUp = await post(port, ca, kept, '/validate', JSON.stringify(admissionReview(sampleStatefulSet())));
    kept.destroy();
    const exit = await exited;
    report('SIGTERM under load', {
      requests: load.sent(),
      failures: load.failures.length,
      'readiness 503 after (ms)': notReadyAt - signalled,
      'exit after (ms)': exit.at - signalled,
    });
    expect(load.failures).toEqual([]);
    expect(stoppedBeforeListenerClosed).toBe(true);
    expect(newConnectionDuringDelay).toBe(200);
    expect(afterDelay).toBe('ECONNREFUSED');
    expect(slowAnswer.status).toBe(200);
    expect(JSON.parse(slowAnswer.body).response.patchType).toBe('JSONPatch');
    expect(followUp.status).toBe(200);
    expect(followUp.headers.connection).toBe('close');
    expect(exit.code).toBe(0);
    expect(exit.at - signalled).toBeLessThan((delaySeconds + graceSeconds) * 1000);
    webhook = undefined;
  }, 30_000);

  test('SIGTERM: a request that never completes is cut off at the end of the grace period', async () => {
    webhook = await startWebhook(['--shutdown-delay-seconds', '0', '--shutdown-grace-seconds', '2']);
    const { port, ca } = webhook;
    const stuck = new Promise<string>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/mutate',
        method: 'POST',
        ca,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': 1000 },
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.on('response', (res) => resolve(`HTTP ${res.statusCode}`));
      req.write('{"apiVersion":');
    });
    await sleep(300);
    const signalled = Date.now();
    const exited = new Promise<number>((resolve) => webhook!.child.once('exit', () => resolve(Date.now())));
    webhook.child.kill('SIGTERM');
    const exitAt = await exited;
    report('SIGTERM with a stuck request', { 'exit after (ms)': exitAt - signalled, stuck: await stuck });
    expect(exitAt - signalled).toBeGreaterThanOrEqual(1900);
    expect(exitAt - signalled).toBeLessThan(4000);
    expect(await stuck).toBe('ECONNRESET');
    webhook = undefined;
  }, 20_000);

  test('a broken policy file: the last good policy stays in force, the error is visible, no verdict changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rrw-fault-policies-'));
    const policy = (max: number | string, extra = '') =>
      `apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata:\n  name: default\nspec:\n  replicas:\n    max: ${max}\n${extra}`;
    writeFileSync(join(dir, 'default.yaml'), policy(9));
    webhook = await startWebhook(['--policies', dir]);
    const load = startLoad(webhook.port, webhook.ca);
    await sleep(500);
    const faults = [
      // Each would deny replicas 7 if any part of it were put in force.
      ['not YAML', policy(5, '  rules: {replicas: [deny\n')],
      ['not the schema', policy(5, '  antiAffinity: sometimes\n')],
      ['a wrong type', policy('"five"')],
      ['half written', policy(5, '  images:\n    allowed: [redis]\n').slice(0, 60)],
    ] as const;
    const seen: string[] = [];
    for (const [name, text] of faults) {
      writeFileSync(join(dir, 'default.yaml'), text);
      await waitFor(async () => (await webhook!.get('/readyz')).json().policyErrors.length > 0);
      const readiness = await webhook.get('/readyz');
      // Still ready: the last good policies are in force, and taking every replica out would stop all admissions.
      expect(readiness.status).toBe(200);
      seen.push(`${name}: ${readiness.json().policyErrors[0]}`);
      await sleep(700);
      // Back to the good file before the next fault, so each fault is refused on its own.
      writeFileSync(join(dir, 'default.yaml'), policy(9));
      await waitFor(async () => (await webhook!.get('/readyz')).json().policyErrors.length === 0);
    }
    await load.stop();
    report('broken policy under load', { requests: load.sent(), faults: faults.length, failures: load.failures.length });
    expect(load.failures).toEqual([]);
    expect(seen).toHaveLength(faults.length);
    for (const line of seen) expect(line).toContain('default.yaml');
    expect(webhook.logs()).toContain('policy reload refused; the last good policies stay in force');
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
