// Cold start: from spawning the process to the first 200 from /readyz, the median of several runs.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWebhook, stopProcess } from './processes.mjs';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(runs, start) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const { child, readyMs } = await start();
    times.push(readyMs);
    await stopProcess(child);
  }
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times) };
}

/** Cold start with the certificate files given, and with the generated development certificate. */
export async function coldStart({ workDir, certFile, keyFile, cert, runs }) {
  const withFiles = await measure(runs, () =>
    startWebhook(['--tls-cert-file', certFile, '--tls-private-key-file', keyFile, '--shutdown-delay-seconds', '0'], {
      logFile: join(workDir, 'cold-start.log'),
      ca: () => cert,
    }),
  );
  const withDevCertificate = await measure(runs, () => {
    const devDir = mkdtempSync(join(workDir, 'dev-'));
    const caFile = join(devDir, 'ca.crt');
    return startWebhook(['--dev-cert-dir', devDir, '--shutdown-delay-seconds', '0'], {
      logFile: join(workDir, 'cold-start-dev.log'),
      ca: () => (existsSync(caFile) ? readFileSync(caFile, 'utf8') : undefined),
    });
  });
  return { withFiles, withDevCertificate };
}
