import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { errorMessage } from '../../wire/errorMessage.js';
import type { CertificatePair, CertificateSource } from './certificateSource.js';
import { log } from '../telemetry/log.js';
import { watchMountedFiles } from '../files/mountedFiles.js';

/**
 * Certificate and key files, re-read as mounted files are (watchMountedFiles). A pair that does not load
 * (cert-manager writes two files, so we may see one new and one old) is skipped until it does.
 */
export function fileCertificateSource(certFile: string, keyFile: string, intervalMs = 1000): CertificateSource {
  const read = (): CertificatePair => {
    const pair = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
    createSecureContext(pair); // throws when the files do not form a usable pair
    return pair;
  };
  let current = read();
  const listeners: ((pair: CertificatePair) => void)[] = [];
  const watch = watchMountedFiles({
    read,
    initial: current,
    intervalMs,
    same: (a, b) => a.cert === b.cert && a.key === b.key,
    onChange: (next) => {
      current = next;
      log('info', 'serving certificate reloaded', { certFile });
      for (const listener of listeners) listener(next);
    },
    onUnreadable: (error) =>
      log('warn', 'certificate files not usable yet; still serving the previous certificate', { certFile, keyFile, error: errorMessage(error) }),
  });
  return {
    current: () => current,
    onChange: (listener) => listeners.push(listener),
    close: () => watch.close(),
  };
}
