import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificatePair, CertificateSource } from './certificateSource.js';
import { log } from '../telemetry/log.js';

const minimumValidityMs = 7 * 86_400_000;

/** The pair in `dir` when it still serves localhost and 127.0.0.1 for a week and its key matches. */
function reusablePair(certFile: string, keyFile: string): CertificatePair | undefined {
  try {
    const pair = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
    const certificate = new X509Certificate(pair.cert);
    const usable =
      Date.parse(certificate.validTo) - Date.now() > minimumValidityMs &&
      certificate.checkHost('localhost') !== undefined &&
      certificate.checkIP('127.0.0.1') !== undefined &&
      certificate.checkPrivateKey(createPrivateKey(pair.key));
    return usable ? pair : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The embedded development default: a self-signed certificate for localhost and 127.0.0.1, kept in `dir`
 * and reused across starts, so a CA a developer (or a local API server) trusts stays valid, and a restart
 * skips making a new one.
 */
export async function devCertificateSource(dir: string): Promise<CertificateSource> {
  const caFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'ca.key');
  let pair = reusablePair(caFile, keyFile);
  if (!pair) {
    // Loaded only here: node-forge is not needed to serve existing certificates, and takes a while to load.
    const { selfSignedCertificate } = await import('./selfSignedCertificate.js');
    pair = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] }, { keyType: 'ec' });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, pair.key, { mode: 0o600 });
    writeFileSync(caFile, pair.cert);
  }
  const current = pair;
  log('info', 'no --tls-cert-file given: serving a self-signed certificate for localhost and 127.0.0.1', { caFile });
  return { current: () => current, onChange: () => undefined, close: () => undefined };
}
