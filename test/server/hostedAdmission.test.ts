import { createFetchHandler } from '../../src/edges/hosting/fetchHandler.js';
import { createLambdaHandler } from '../../src/edges/hosting/lambdaHandler.js';
import { policyObject } from '../fixtures/policyObject.js';
import { admissionReview, sampleStatefulSet } from '../fixtures/statefulSet.js';
import { startWebhook, type WebhookProcess } from '../fixtures/webhookProcess.js';

// The function-host adapters answer as the HTTPS server does, byte for byte: the same exchange
// (src/edges/hosting/admissionExchange.ts) behind each. The server runs with no policies folder and no cluster,
// as the adapters do with their defaults.
let webhook: WebhookProcess;
beforeAll(async () => {
  webhook = await startWebhook();
});
afterAll(async () => {
  await webhook.stop();
});

const fetchHandler = createFetchHandler();
const lambdaHandler = createLambdaHandler();

const denied = sampleStatefulSet({ replicas: 40 });
denied.spec!.template.spec!.containers[0].args = ['--requirepass', 's3cret'];
const unlabeled = sampleStatefulSet();
delete unlabeled.metadata!.labels!['redis-replication'];
const policyReview = (spec: Record<string, unknown>) => ({
  ...admissionReview(policyObject('p', spec)),
  request: {
    ...admissionReview(policyObject('p', spec)).request!,
    kind: { group: 'redis-replication.io', version: 'v1alpha1', kind: 'ReplicationPolicy' },
    resource: { group: 'redis-replication.io', version: 'v1alpha1', resource: 'replicationpolicies' },
  },
});

const cases: [string, string, string, Record<string, string>][] = [
  ['a labeled StatefulSet, mutate', '/mutate', JSON.stringify(admissionReview(sampleStatefulSet())), {}],
  ['a labeled StatefulSet, validate', '/validate?timeout=5s', JSON.stringify(admissionReview(sampleStatefulSet())), {}],
  ['a refused StatefulSet', '/validate', JSON.stringify(admissionReview(denied)), {}],
  ['an unlabeled StatefulSet', '/mutate/', JSON.stringify(admissionReview(unlabeled)), {}],
  ['a broken policy object', '/validate', JSON.stringify(policyReview({ replicas: { min: 'two' } })), {}],
  ['not JSON', '/mutate', '{"apiVersion":', {}],
  ['not an AdmissionReview', '/mutate', '{"kind":"Pod"}', {}],
  ['a wrong content type', '/mutate', 'hello', { 'content-type': 'text/plain' }],
  ['a compressed body', '/mutate', '{}', { 'content-encoding': 'gzip' }],
  ['a body over the limit', '/validate', JSON.stringify({ pad: 'x'.repeat(5 * 1024 * 1024) }), {}],
];

test.each(cases)(
  '%s: the same status and body from the HTTPS server, the Fetch handler and the Lambda handler',
  async (_name, path, body, headers) => {
    const server = await webhook.post(path, body, headers);
    const allHeaders = { 'content-type': 'application/json', ...headers };
    const viaFetch = await fetchHandler(new Request(`https://webhook.example${path}`, { method: 'POST', headers: allHeaders, body }));
    const viaLambda = await lambdaHandler({
      rawPath: path.split('?')[0],
      rawQueryString: path.split('?')[1] ?? '',
      headers: allHeaders,
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST' } },
    });
    expect({ status: viaFetch.status, body: await viaFetch.text() }).toEqual({ status: server.status, body: server.body });
    expect({ status: viaLambda.statusCode, body: viaLambda.body }).toEqual({ status: server.status, body: server.body });
    expect(viaFetch.headers.get('content-type')).toBe('application/json; charset=utf-8');
  },
);

test('a function host has probes and a 404 for the rest', async () => {
  expect((await fetchHandler(new Request('https://webhook.example/healthz'))).status).toBe(200);
  const missing = await lambdaHandler({ rawPath: '/nowhere', requestContext: { http: { method: 'GET' } } });
  expect(missing.statusCode).toBe(404);
  expect(JSON.parse(missing.body)).toEqual({ error: 'not found: POST /mutate, POST /validate, GET /healthz, GET /readyz' });
});
