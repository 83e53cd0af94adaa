// TLS of the real server process: only TLS 1.2 and 1.3, forward-secret AEAD suites only, and the
// private key never in a log line or an answer.
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions, type SecureVersion } from 'node:tls';
import { admissionReview, sampleStatefulSet } from '../fixtures/statefulSet.js';
import { startWebhook, type WebhookProcess } from '../fixtures/webhookProcess.js';
import { selfSignedCertificate } from '../../src/edges/http/selfSignedCertificate.js';
import { report, waitFor } from '../fixtures/eventually.js';

/** The negotiated protocol and suite, or the error that ended the handshake. */
function handshake(port: number, options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ...options }, () => {
      resolve(`${socket.getProtocol()} ${socket.getCipher().standardName}`);
      socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`refused: ${error.code ?? error.message}`));
  });
}

// OpenSSL 3 offers TLS 1.0/1.1 and legacy suites only at security level 0.
const legacy = (version: SecureVersion): ConnectionOptions => ({ minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' });

describe('TLS', () => {
  let webhook: WebhookProcess;
  let dir: string;
  let pair: { cert: string; key: string };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rrw-tls-'));
    pair = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] });
    writeFileSync(join(dir, 'tls.crt'), pair.cert);
    writeFileSync(join(dir, 'tls.key'), pair.key);
    webhook = await startWebhook(['--tls-cert-file', join(dir, 'tls.crt'), '--tls-private-key-file', join(dir, 'tls.key')], { ca: pair.cert });
  });
  afterAll(() => webhook.stop(), 20_000);

  test("a legacy client would get through to a permissive server (so the refusals below are the webhook's)", async () => {
    const permissive = createServer({ ...pair, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, (socket) => socket.end());
    await new Promise<void>((resolve) => permissive.listen(0, '127.0.0.1', resolve));
    const port = (permissive.address() as { port: number }).port;
    const results = {
      tls11: await handshake(port, legacy('TLSv1.1')),
      cbc: await handshake(port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' }),
    };
    permissive.close();
    expect(results.tls11).toMatch(/^TLSv1\.1 /);
    expect(results.cbc).toBe('TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA');
  });

  test('TLS 1.0 and 1.1 clients, and TLS 1.2 clients offering only legacy suites, are refused', async () => {
    const refused = {
      'TLS 1.0': await handshake(webhook.port, legacy('TLSv1')),
      'TLS 1.1': await handshake(webhook.port, legacy('TLSv1.1')),
      'TLS 1.2, CBC with SHA-1': await handshake(webhook.port, {
        maxVersion: 'TLSv1.2',
        ciphers: 'ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:@SECLEVEL=0',
      }),
      'TLS 1.2, RSA key exchange': await handshake(webhook.port, { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:AES256-SHA256:@SECLEVEL=0' }),
      'TLS 1.2, CBC with SHA-256': await handshake(webhook.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256:@SECLEVEL=0' }),
    };
    report('TLS refusals', refused);
    for (const result of Object.values(refused)) expect(result).toMatch(/^refused: /);
  });

  test('TLS 1.3, and TLS 1.2 with forward-secret AEAD suites, are accepted', async () => {
    const accepted = {
      'default client': await handshake(webhook.port, {}),
      'TLS 1.2': await handshake(webhook.port, { maxVersion: 'TLSv1.2' }),
      'TLS 1.2, ChaCha20': await handshake(webhook.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' }),
    };
    report('TLS accepted', accepted);
    expect(accepted['default client']).toMatch(/^TLSv1\.3 TLS_AES_/);
    expect(accepted['TLS 1.2']).toMatch(/^TLSv1\.2 TLS_ECDHE_RSA_WITH_AES_(128|256)_GCM_SHA(256|384)$/);
    expect(accepted['TLS 1.2, ChaCha20']).toBe('TLSv1.2 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256');
  });

  test('the private key is never logged nor answered, whatever happens', async () => {
    await webhook.post('/mutate', admissionReview(sampleStatefulSet()));
    await webhook.post('/validate', admissionReview(sampleStatefulSet({ replicas: 40 })));
    await webhook.post('/validate', '{"broken');
    const answers = [(await webhook.get('/readyz')).body, (await webhook.get('/metrics')).body, (await webhook.get('/nope')).body];
    // A key file that does not load (truncated, then not matching the certificate), then a good one.
    const next = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] });
    // Each step waits for the log line the webhook writes when it has read the files.
    const logged = (text: string, times: number) =>
      waitFor(() => webhook.logs().split(text).length - 1 >= times, 10_000, `${times} × "${text}" in the log`);
    const unusable = 'certificate files not usable yet';
    writeFileSync(join(dir, 'tls.key.new'), pair.key.slice(0, 400));
    renameSync(join(dir, 'tls.key.new'), join(dir, 'tls.key'));
    await logged(unusable, 1);
    writeFileSync(join(dir, 'tls.key.new'), next.key);
    renameSync(join(dir, 'tls.key.new'), join(dir, 'tls.key'));
    // The new key with the old certificate: still no usable pair, reported again at the next read.
    await logged(unusable, webhook.logs().split(unusable).length);
    writeFileSync(join(dir, 'tls.crt.new'), next.cert);
    renameSync(join(dir, 'tls.crt.new'), join(dir, 'tls.crt'));
    await logged('serving certificate reloaded', 1);
    await webhook.stop();
    const logs = webhook.logs();
    // Every line of either key's PEM body (64 base64 characters, or the shorter last one).
    const keyLines = [pair.key, next.key].flatMap((key) => key.split('\n').filter((line) => line !== '' && !line.startsWith('-----')));
    const leaked = keyLines.filter((line) => logs.includes(line) || answers.some((a) => a.includes(line)));
    report('key never logged', { 'log lines checked': logs.split('\n').length, 'key lines searched': keyLines.length, leaked: leaked.length });
    expect(logs).toContain('certificate files not usable yet');
    expect(logs).toContain('serving certificate reloaded');
    expect(logs).not.toContain('PRIVATE KEY');
    expect(leaked).toEqual([]);
  }, 20_000);
});
