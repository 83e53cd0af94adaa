import fastJsonPatch from 'fast-json-patch';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admissionReview, patchOf, sampleStatefulSet } from '../fixtures/statefulSet.js';
import { startWebhook, type WebhookProcess } from '../fixtures/webhookProcess.js';
import { selfSignedCertificate } from '../../src/edges/http/selfSignedCertificate.js';
import { waitFor } from '../fixtures/eventually.js';

describe('the HTTPS server with the built-in policy', () => {
  let webhook: WebhookProcess;
  beforeAll(async () => {
    webhook = await startWebhook();
  });
  afterAll(() => webhook.stop());

  test('health and readiness', async () => {
    expect((await webhook.get('/healthz')).status).toBe(200);
    const ready = await webhook.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json().policies).toEqual(['default']);
  });

  test('mutate answers with the same uid and a JSON Patch that applies and is idempotent', async () => {
    const sts = sampleStatefulSet();
    const review = admissionReview(sts);
    const answer = await webhook.post('/mutate', review);
    expect(answer.status).toBe(200);
    const response = answer.json().response;
    expect(response.uid).toBe(review.request!.uid);
    expect(response.patchType).toBe('JSONPatch');
    const ops = patchOf(answer.json());
    const patched = fastJsonPatch.applyPatch(structuredClone(sts), ops, true, false).newDocument;
    expect(patched.spec!.template.spec!.initContainers![0].name).toBe('redis-replication-init');
    const again = (await webhook.post('/mutate', admissionReview(patched))).json().response;
    expect(again.patch).toBeUndefined();
    expect(again.allowed).toBe(true);
  });

  test('validate denies with 403 and the field path', async () => {
    const answer = (await webhook.post('/validate', admissionReview(sampleStatefulSet({ replicas: 10 })))).json().response;
    expect(answer.allowed).toBe(false);
    expect(answer.status.code).toBe(403);
    expect(answer.status.message).toContain('spec.replicas: found 10; allowed 2 to 9');
  });

  test.each([
    ['/mutate?timeout=5s', 200, 'JSONPatch'],
    ['/mutate/', 200, 'JSONPatch'],
    ['/validate?timeout=5s', 200, undefined],
  ])('POST %s, as API servers and people write it, is an admission', async (path, status, patchType) => {
    const answer = await webhook.post(path, admissionReview(sampleStatefulSet()));
    expect(answer.status).toBe(status);
    expect(answer.json().response.patchType).toBe(patchType);
  });

  test.each([
    ['GET', '/mutate'],
    ['POST', '/nowhere'],
  ])('%s %s is a JSON 404 naming the routes', async (method, path) => {
    const answer = method === 'GET' ? await webhook.get(path) : await webhook.post(path, '{}');
    expect(answer.status).toBe(404);
    expect(answer.json().error).toContain('POST /mutate, POST /validate');
  });

  test.each([
    ['not JSON', '{"apiVersion":', {}, 400, 'not valid JSON'],
    ['not an AdmissionReview', { kind: 'Pod' }, {}, 400, 'apiVersion/kind'],
    ['no request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, {}, 400, 'request: missing'],
    ['no uid', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'CREATE' } }, {}, 400, 'request.uid'],
    ['an array', '[1,2]', {}, 400, 'expected an AdmissionReview'],
    ['a wrong content type', 'hello', { 'content-type': 'text/plain' }, 415, 'content-type'],
    ['a body over the limit', JSON.stringify({ pad: 'x'.repeat(5 * 1024 * 1024) }), {}, 413, 'limit'],
  ])('%s gets a clear JSON error and the server stays up', async (_name, body, headers, status, message) => {
    const answer = await webhook.post('/mutate', body, headers);
    expect(answer.status).toBe(status);
    expect(answer.json().error).toContain(message);
    expect((await webhook.get('/healthz')).status).toBe(200);
  });
});

describe('certificate files', () => {
  test('are re-read when they change, without failing requests in flight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rrw-certs-'));
    const first = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] });
    const second = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] });
    writeFileSync(join(dir, 'tls.crt'), first.cert);
    writeFileSync(join(dir, 'tls.key'), first.key);
    const webhook = await startWebhook(['--tls-cert-file', join(dir, 'tls.crt'), '--tls-private-key-file', join(dir, 'tls.key')], {
      ca: first.cert + second.cert,
    });
    try {
      const before = await webhook.get('/healthz');
      // Replace both files the way a Secret volume does: new content, swapped in by rename.
      writeFileSync(join(dir, 'tls.crt.new'), second.cert);
      writeFileSync(join(dir, 'tls.key.new'), second.key);
      renameSync(join(dir, 'tls.key.new'), join(dir, 'tls.key'));
      renameSync(join(dir, 'tls.crt.new'), join(dir, 'tls.crt'));
      let after = before;
      const failures: unknown[] = [];
      for (let i = 0; i < 60 && after.certificate.fingerprint256 === before.certificate.fingerprint256; i++) {
        after = await webhook.get('/healthz').catch((error: unknown) => {
          failures.push(error);
          return after;
        });
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(failures).toEqual([]);
      expect(after.status).toBe(200);
      expect(after.certificate.fingerprint256).not.toBe(before.certificate.fingerprint256);
    } finally {
      await webhook.stop();
    }
  }, 20_000);
});

describe('the policy folder', () => {
  test('a change is used by the next admission; a broken file keeps the last good set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rrw-policies-'));
    const policy = (max: number) =>
      `apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata:\n  name: default\nspec:\n  replicas:\n    max: ${max}\n`;
    writeFileSync(join(dir, 'default.yaml'), policy(9));
    const webhook = await startWebhook(['--policies', dir]);
    try {
      const verdict = async () => (await webhook.post('/validate', admissionReview(sampleStatefulSet({ replicas: 7 })))).json().response.allowed;
      expect(await verdict()).toBe(true);
      writeFileSync(join(dir, 'default.yaml'), policy(5));
      await waitFor(async () => (await verdict()) === false);
      writeFileSync(
        join(dir, 'broken.yaml'),
        'apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata: {name: broken}\nspec: {replicas: {min: "two"}}\n',
      );
      await waitFor(async () => (await webhook.get('/readyz')).json().policyErrors.length > 0);
      const errors = (await webhook.get('/readyz')).json().policyErrors as string[];
      expect(errors.join('\n')).toContain('broken.yaml (document 1): spec.replicas.min: must be integer');
      expect(await verdict()).toBe(false);
    } finally {
      await webhook.stop();
    }
  });

  test('a broken policy folder at start-up is refused with file, path and reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rrw-policies-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata: {name: bad}\nspec: {antiAffinity: sometimes}\n',
    );
    await expect(startWebhook(['--policies', dir])).rejects.toThrow(
      /bad\.yaml \(document 1\): spec\.antiAffinity: must be equal to one of the allowed values/,
    );
  });
});

describe('the embedded dev certificate', () => {
  test('is kept in its folder and reused by the next start, so a trusted CA stays valid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rrw-devcert-'));
    const first = await startWebhook([], { devCertDir: dir });
    const firstFingerprint = (await first.get('/healthz')).certificate.fingerprint256;
    await first.stop();
    const second = await startWebhook([], { devCertDir: dir });
    try {
      expect((await second.get('/healthz')).certificate.fingerprint256).toBe(firstFingerprint);
      expect(statSync(join(dir, 'ca.key')).mode & 0o077).toBe(0);
    } finally {
      await second.stop();
    }
  }, 20_000);

  test('is an ECDSA P-256 CA for localhost and 127.0.0.1 that verifies itself, and its key matches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rrw-devcert-'));
    const webhook = await startWebhook([], { devCertDir: dir });
    await webhook.stop();
    const certificate = new X509Certificate(readFileSync(join(dir, 'ca.crt')));
    expect(certificate.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(certificate.ca).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect([certificate.checkHost('localhost'), certificate.checkIP('127.0.0.1')]).toEqual(['localhost', '127.0.0.1']);
    expect(certificate.checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'ca.key'))))).toBe(true);
  }, 20_000);
});
