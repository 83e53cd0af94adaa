// Stops what globalSetup started, also after failed tests (jest runs teardown regardless).
// RRW_KEEP_CLUSTER=1 keeps the control plane for a faster next run.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cluster = fileURLToPath(new URL('../cluster/', import.meta.url));

export default function globalTeardown() {
  execFileSync('bash', [`${cluster}webhook-down.sh`], { stdio: 'inherit' });
  if (process.env.RRW_POLICIES_DIR) rmSync(process.env.RRW_POLICIES_DIR, { recursive: true, force: true });
  if (process.env.RRW_KEEP_CLUSTER !== '1') execFileSync('bash', [`${cluster}down.sh`], { stdio: 'inherit' });
}
