// Stops what globalSetup started, also after failed tests (jest runs teardown regardless).
// RRW_KEEP_CLUSTER=1 keeps the control plane for a faster next run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cluster = fileURLToPath(new URL('../cluster/', import.meta.url));

export default function globalTeardown() {
  execFileSync('bash', [`${cluster}webhook-down.sh`], { stdio: 'inherit' });
  if (process.env.RRW_KEEP_CLUSTER !== '1') execFileSync('bash', [`${cluster}down.sh`], { stdio: 'inherit' });
}
