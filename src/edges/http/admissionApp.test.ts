import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { admissionApp } from './admissionApp.js';
import type { AdmissionHandler } from '../hosting/admissionExchange.js';
import type { AdmissionReview } from '../../wire/admissionReview.js';
import { capturedLog } from '../../../test/fixtures/capturedLog.js';
import { admissionReview, sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

// The HTTP surface in process, over a real socket: the routing table, readiness, the error answers, and
// which handler each path reaches. The server around it (TLS, timeouts, shutdown) is test/server's.

let server: Server;
let base: string;
let ready = true;
const called: string[] = [];
const handler =
  (endpoint: string): AdmissionHandler =>
  (review) => {
    called.push(endpoint);
    if (review.request?.uid === 'boom') return Promise.reject(new Error('the API server went away'));
    return Promise.resolve({ patch: [], findings: [] });
  };
const metrics = new Registry();
const log = capturedLog();

beforeAll(async () => {
  server = createServer(
    admissionApp({ mutate: handler('mutate'), validate: handler('validate') }, () => ({ ready, detail: { policies: ['default'] } }), metrics),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  called.length = 0;
});

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

test('POST /mutate and /validate reach their own handler and answer the review with its uid', async () => {
  for (const endpoint of ['mutate', 'validate']) {
    const review = admissionReview(sampleStatefulSet());
    const answer = await post(`/${endpoint}?timeout=5s`, review);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as AdmissionReview;
    expect(body.response).toMatchObject({ uid: review.request!.uid, allowed: true });
  }
  expect(called).toEqual(['mutate', 'validate']);
});

test("a path's variant goes through express to the same route; an unknown path gets 404 naming the routes", async () => {
  expect((await post('/mutate/', admissionReview(sampleStatefulSet()))).status).toBe(200);
  expect(called).toEqual(['mutate']);
  const unknown = await fetch(`${base}/mutation`, { method: 'POST' });
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toEqual({ error: 'not found: POST /mutate, POST /validate, GET /healthz, GET /readyz, GET /metrics' });
});

test('readiness follows what the server says, with its detail; health does not', async () => {
  expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', policies: ['default'] });
  ready = false;
  const notReady = await fetch(`${base}/readyz`);
  ready = true;
  expect(notReady.status).toBe(503);
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
});

test('a body that is not a review is answered 400 without the handler; a handler that fails, 500 and a log line with the uid', async () => {
  const malformed = await post('/validate', '{"kind":');
  expect(malformed.status).toBe(400);
  expect(called).toEqual([]);
  const review = admissionReview(sampleStatefulSet());
  review.request!.uid = 'boom';
  const failed = await post('/validate', review);
  expect(failed.status).toBe(500);
  expect(log.text()).toMatch(/"message":"admission failed","uid":"boom","error":"the API server went away"/);
});

test('GET /metrics serves the registry in the Prometheus text format', async () => {
  const answer = await fetch(`${base}/metrics`);
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toBe(metrics.contentType);
});
