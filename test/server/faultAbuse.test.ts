// Abuse of the real server process: slow-loris, oversized and deeply nested bodies, wrong content types,
// and more idle connections than it accepts. Each answer must be a clear 4xx, memory must stay bounded,
// and other clients must keep being answered.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import { admissionReview, sampleStatefulSet } from '../fixtures/statefulSet.js';
import { startWebhook, type WebhookProcess } from '../fixtures/webhookProcess.js';
import { report } from '../fixtures/eventually.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function residentMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

interface Raw {
  status: number;
  body: string;
}

/** A POST with full control of headers and body chunks (no content-length when `chunked`). */
function rawPost(
  webhook: WebhookProcess,
  path: string,
  body: string | Buffer,
  headers: Record<string, string>,
  agent: Agent | false = false,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: webhook.port, path, method: 'POST', ca: webhook.ca, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A TLS connection that has done its handshake and then sends nothing, or the error that stopped it. */
function idleConnection(webhook: WebhookProcess): Promise<{ socket: TLSSocket } | { error: Error }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: webhook.port, ca: webhook.ca, servername: 'localhost' }, () => {
      // Node's server may close an idle connection with a 51-byte "408 Request Timeout" (headersTimeout)
      // instead of silently (server.timeout), whichever check runs first. Unread, that answer would keep
      // the socket from ever emitting 'end' and 'close', and a closed connection would look open.
      socket.resume();
      resolve({ socket });
    });
    socket.on('error', (error) => resolve({ error }));
  });
}

function opened(results: ({ socket: TLSSocket } | { error: Error })[]): TLSSocket[] {
  return results.flatMap((r) => ('socket' in r ? [r.socket] : []));
}

/** Whether the server has closed the socket within `ms`. */
function closedWithin(socket: TLSSocket, ms: number): Promise<boolean> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    // A socket the server ended may still be flushing its own end when time is up: that counts as closed.
    const timer = setTimeout(() => resolve(socket.readableEnded || socket.destroyed), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe('abuse', () => {
  let webhook: WebhookProcess;
  beforeAll(async () => {
    webhook = await startWebhook();
  });
  afterAll(() => webhook.stop(), 30_000);

  const valid = () => JSON.stringify(admissionReview(sampleStatefulSet()));
  const json = { 'content-type': 'application/json' };

  test.each([
    ['no content type', valid(), {}, 415, 'content-type: found none'],
    ['text/plain', valid(), { 'content-type': 'text/plain' }, 415, 'content-type: found text/plain'],
    ['a form', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'expected application/json'],
    ['JSON in UTF-16', Buffer.from(valid(), 'utf16le'), { 'content-type': 'application/json; charset=utf-16' }, 415, 'charset utf-16'],
    ['a gzip body', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), { ...json, 'content-encoding': 'gzip' }, 415, 'content-encoding: found gzip'],
    ['an empty body', '', json, 400, 'not valid JSON'],
    ['a JSON string', '"review"', json, 400, 'expected an AdmissionReview object'],
  ])('%s gets a clear 4xx', async (_name, body, headers, status, message) => {
    const answer = await rawPost(webhook, '/validate', body, headers);
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body).error).toContain(message);
  });

  test('oversized bodies are refused with 413, declared or not, and the server keeps answering', async () => {
    const big = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', pad: 'x'.repeat(6 * 1024 * 1024) });
    const declared = await rawPost(webhook, '/mutate', big, json);
    // Without content-length the body arrives chunked; the limit is enforced while it streams in.
    const chunked = await rawPost(webhook, '/mutate', big, { ...json, 'transfer-encoding': 'chunked' });
    report('oversized bodies', { bytes: big.length, declared: declared.status, chunked: chunked.status });
    expect(declared.status).toBe(413);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error).toContain('larger than the limit');
    expect((await webhook.post('/mutate', valid())).status).toBe(200);
  }, 20_000);

  test('many large bodies at once: past 32 MiB held in all, 503 and bounded memory; small reviews still answered', async () => {
    const pid = webhook.child.pid!;
    const before = residentMb(pid);
    const mib = 1024 * 1024;
    // Nine uploads of a 3.9 MiB body that stop after 3.5 MiB: 31.5 MiB held by the server, waiting.
    const held = Array.from({ length: 9 }, () => {
      const req = request({
        host: '127.0.0.1',
        port: webhook.port,
        path: '/mutate',
        method: 'POST',
        ca: webhook.ca,
        agent: false,
        headers: { ...json, 'content-length': String(Math.round(3.9 * mib)) },
      });
      req.on('error', () => undefined);
      req.write('{"pad":"' + 'x'.repeat(3.5 * mib - 8));
      return req;
    });
    await sleep(1_500);
    const during = residentMb(pid);
    const small = await rawPost(webhook, '/validate', valid(), json);
    const review = admissionReview(sampleStatefulSet());
    (review.request!.object as { metadata: { annotations?: Record<string, string> } }).metadata.annotations = { pad: 'x'.repeat(3.8 * mib) };
    const large = JSON.stringify(review);
    const refused = await rawPost(webhook, '/validate', large, json);
    for (const req of held) req.destroy();
    await sleep(500);
    const afterwards = await rawPost(webhook, '/validate', large, json);
    report('large bodies at once', {
      'held (MiB)': 9 * 3.5,
      'RSS before (MB)': before.toFixed(1),
      'RSS while held (MB)': during.toFixed(1),
      'small review': small.status,
      'one more large review': refused.status,
      'large review once released': afterwards.status,
    });
    expect(small.status).toBe(200);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body).error).toMatch(
      /^body: the webhook already holds \d+ bytes of request bodies, its limit across all requests is 33554432; retry shortly$/,
    );
    expect(during - before).toBeLessThan(80);
    expect(afterwards.status).toBe(200);
  }, 30_000);

  test('deeply nested bodies (100,000 nested arrays) get 400, not a crash or a 500', async () => {
    const depth = 100_000;
    const nested = '['.repeat(depth) + ']'.repeat(depth);
    // JSON.stringify cannot write such a value, so a placeholder is swapped for it in the text.
    const withNested = (place: (review: ReturnType<typeof admissionReview>, marker: string) => void) => {
      const review = admissionReview(sampleStatefulSet());
      place(review, 'NESTED-HERE');
      return JSON.stringify(review).replace('"NESTED-HERE"', nested);
    };
    const inRequest = await rawPost(
      webhook,
      '/mutate',
      withNested((r, m) => Object.assign(r.request!, { extra: m })),
      json,
    );
    const inObject = await rawPost(
      webhook,
      '/validate',
      withNested((r, m) => Object.assign((r.request!.object as { spec: object }).spec, { replicas: m })),
      json,
    );
    const asName = await rawPost(
      webhook,
      '/validate',
      withNested((r) => Object.assign(r.request!, { name: [[[1]]] })),
      json,
    );
    const atTop = await rawPost(webhook, '/mutate', nested, json);
    report('deep nesting', { depth, inRequest: inRequest.status, inObject: inObject.status, asName: asName.status, atTop: atTop.status });
    expect(inObject.status).toBe(400);
    expect(JSON.parse(inObject.body).error).toContain('nested more than');
    expect(inRequest.status).toBe(400);
    expect(asName.status).toBe(400);
    expect(JSON.parse(asName.body).error).toContain('request.name');
    expect(atTop.status).toBe(400);
    expect((await webhook.get('/healthz')).status).toBe(200);
  }, 20_000);

  test('slow-loris connections are cut off with 408 while others are answered', async () => {
    const count = 200;
    const started = Date.now();
    const open = opened(await Promise.all(Array.from({ length: count }, () => idleConnection(webhook))));
    const answers: string[] = [];
    for (const socket of open) socket.on('data', (d: Buffer) => answers.push(d.toString().split('\r\n')[0]));
    // Headers one byte at a time, every 200 ms: each byte is activity, so only the headers deadline stops them.
    const header = 'POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Padding: ' + 'x'.repeat(200);
    let offset = 0;
    const drip = setInterval(() => {
      for (const socket of open) if (!socket.destroyed) socket.write(header[offset % header.length]);
      offset++;
    }, 200);
    // Meanwhile a normal client is answered, every time (how fast is reported here, and measured by npm run bench).
    const latencies: number[] = [];
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 40; i++) {
      const t = Date.now();
      const answer = await rawPost(webhook, '/validate', valid(), json, agent);
      expect(answer.status).toBe(200);
      latencies.push(Date.now() - t);
      await sleep(250);
    }
    const closed = await Promise.all(open.map((s) => closedWithin(s, 15_000)));
    clearInterval(drip);
    agent.destroy();
    const slowest = Math.max(...latencies);
    report('slow-loris', {
      connections: open.length,
      'closed by the server': closed.filter(Boolean).length,
      '408 answers': answers.filter((a) => a.includes('408')).length,
      'other requests': latencies.length,
      'slowest other (ms)': slowest,
      'all closed after (ms)': Date.now() - started,
    });
    expect(open.length).toBe(count);
    expect(closed.every(Boolean)).toBe(true);
    expect(answers.filter((a) => a.includes('408')).length).toBe(open.length);
    expect(latencies).toHaveLength(40);
  }, 40_000);

  test('thousands of idle connections: memory stays bounded, connections already open keep being answered', async () => {
    const pid = webhook.child.pid!;
    const before = residentMb(pid);
    // The API server's connection, open before the flood.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await rawPost(webhook, '/validate', valid(), json, agent)).status).toBe(200);
    const attempts = 3000;
    const results: ({ socket: TLSSocket } | { error: Error })[] = [];
    for (let i = 0; i < attempts; i += 100) results.push(...(await Promise.all(Array.from({ length: 100 }, () => idleConnection(webhook)))));
    const held = opened(results);
    // Some may have completed the handshake and then been closed at once, over the cap.
    const stillOpen = (await Promise.all(held.map((s) => closedWithin(s, 100)))).filter((closed) => !closed).length;
    const during = residentMb(pid);
    const kept = await rawPost(webhook, '/validate', valid(), json, agent);
    // Idle connections are closed after 10 s without a byte; then new clients get in again. The
    // 10 s start once the server has finished the handshake, which a flood can delay by seconds, and
    // more on a machine whose two cores are busy with other work.
    const closedLater = await Promise.all(held.map((s) => closedWithin(s, 45_000)));
    const fresh = await webhook.post('/validate', valid());
    report('idle connections', {
      attempts,
      'accepted and held': stillOpen,
      'refused or closed at once': attempts - stillOpen,
      'RSS before (MB)': before.toFixed(1),
      'RSS while held (MB)': during.toFixed(1),
      'closed by idle timeout': closedLater.filter(Boolean).length,
    });
    agent.destroy();
    for (const socket of held) socket.destroy();
    expect(stillOpen).toBeLessThanOrEqual(1000);
    expect(during - before).toBeLessThan(60);
    expect(kept.status).toBe(200);
    expect(closedLater.every(Boolean)).toBe(true);
    expect(fresh.status).toBe(200);
  }, 90_000);
});
