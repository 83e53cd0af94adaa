import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { admissionApp } from './admissionApp.js';
import { admissionHandler } from './admissionHandler.js';
import type { CertificatePair, CertificateSource } from './certificateSource.js';
import { fileCertificateSource } from './fileCertificateSource.js';
import { log } from './log.js';
import { policyStore } from './policyStore.js';
import { selfSignedCertificate } from './selfSignedCertificate.js';
import { kubernetesStatefulSetLookup } from './statefulSetLookup.js';
import { withLogging } from './withLogging.js';

const help = `Usage: redis-replication-webhook serve [options]

Runs the admission webhook over HTTPS: POST /mutate, POST /validate, GET /healthz, GET /readyz.

Options:
  --port N                   port to listen on (default 8443)
  --host ADDR                address to listen on (default 0.0.0.0)
  --tls-cert-file FILE       serving certificate (PEM); re-read when it changes on disk
  --tls-private-key-file F   its private key (PEM)
  --dev-cert-dir DIR         without certificate files: where the generated self-signed
                             certificate (also the CA to trust) is written
                             (default: $TMPDIR/redis-replication-webhook-dev)
  --policies DIR             folder of ReplicationPolicy files, watched for changes
                             (default: none, only the built-in policy)
  --shutdown-grace-seconds N how long in-flight requests may take after SIGTERM (default 20)
  -h, --help                 show this help
`;

const options = {
  port: { type: 'string', default: '8443' },
  host: { type: 'string', default: '0.0.0.0' },
  'tls-cert-file': { type: 'string' },
  'tls-private-key-file': { type: 'string' },
  'dev-cert-dir': { type: 'string', default: join(tmpdir(), 'redis-replication-webhook-dev') },
  policies: { type: 'string' },
  'shutdown-grace-seconds': { type: 'string', default: '20' },
  help: { type: 'boolean', short: 'h' },
} as const;

function devCertificateSource(dir: string): CertificateSource {
  const pair: CertificatePair = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] });
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, pair.cert);
  log('info', 'no --tls-cert-file given: serving a generated self-signed certificate for localhost and 127.0.0.1', { caFile });
  return { current: () => pair, onChange: () => undefined, close: () => undefined };
}

export const serveCommand: Command = {
  summary: 'run the admission webhook (HTTPS)',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options, strict: true });
    if (values.help) {
      process.stdout.write(help);
      return 0;
    }
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: found "${values.port}"; allowed 0 to 65535`);
    const certFile = values['tls-cert-file'];
    const keyFile = values['tls-private-key-file'];
    if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('--tls-cert-file and --tls-private-key-file go together');
    const certificates = certFile && keyFile ? fileCertificateSource(certFile, keyFile) : devCertificateSource(values['dev-cert-dir']);
    const policies = await policyStore(values.policies);
    const lookup = kubernetesStatefulSetLookup();
    let shuttingDown = false;
    const app = admissionApp(
      {
        mutate: withLogging('mutate', admissionHandler('mutate', policies.current, lookup)),
        validate: withLogging('validate', admissionHandler('validate', policies.current, lookup)),
      },
      () => ({
        ready: !shuttingDown,
        detail: { policies: policies.current().map((p) => p.name), policyErrors: policies.lastErrors(), shuttingDown },
      }),
    );
    const server = createServer({ ...certificates.current(), minVersion: 'TLSv1.2' }, app);
    // New handshakes get the new certificate; connections already open keep theirs.
    certificates.onChange((pair) => server.setSecureContext({ ...pair, minVersion: 'TLSv1.2' }));
    // The API server's client reuses connections; keep them open longer than its idle timeout.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, values.host, resolve);
    });
    const address = server.address();
    log('info', 'serving', { port: typeof address === 'object' && address ? address.port : port, host: values.host });
    return new Promise<number>((resolve) => {
      const stop = (signal: string) => {
        if (shuttingDown) return;
        shuttingDown = true;
        log('info', 'shutting down: readiness off, finishing requests in flight', { signal });
        const grace = Number(values['shutdown-grace-seconds']) * 1000;
        const deadline = setTimeout(() => server.closeAllConnections(), grace);
        deadline.unref();
        server.close(() => {
          certificates.close();
          policies.close();
          resolve(0);
        });
        server.closeIdleConnections();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  },
};
