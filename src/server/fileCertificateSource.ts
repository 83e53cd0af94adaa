import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { errorMessage } from '../errorMessage.js';
import type { CertificatePair, CertificateSource } from './certificateSource.js';
import { log } from './log.js';

/**
 * Certificate and key files, re-read every `intervalMs`. Polling (not fs.watch) because Kubernetes
 * swaps Secret volumes through a symlink, which watchers on the file miss. A pair that does not load
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
  const timer = setInterval(() => {
    let next: CertificatePair;
    try {
      next = read();
    } catch (error) {
      log('warn', 'certificate files not usable yet; still serving the previous certificate', { certFile, keyFile, error: errorMessage(error) });
      return;
    }
    if (next.cert === current.cert && next.key === current.key) return;
    current = next;
    log('info', 'serving certificate reloaded', { certFile });
    for (const listener of listeners) listener(next);
  }, intervalMs);
  timer.unref();
  return {
    current: () => current,
    onChange: (listener) => listeners.push(listener),
    close: () => clearInterval(timer),
  };
}
