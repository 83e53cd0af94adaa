// Brings up the local control plane and the webhook (from dist/) for the e2e project. The webhook gets
// a private copy of policies/ so tests can change policies without touching the repo.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cluster = fileURLToPath(new URL('../cluster/', import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));

export default function globalSetup() {
  const policies = mkdtempSync(join(tmpdir(), 'rrw-e2e-policies-'));
  cpSync(join(repo, 'policies'), policies, { recursive: true });
  const exportLine = execFileSync('bash', [join(cluster, 'up.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.env.KUBECONFIG = exportLine.trim().replace(/^export KUBECONFIG=/, '');
  process.env.RRW_POLICIES_DIR = policies;
  // Always a fresh webhook on the test's policy copy, even if a developer's one is running.
  execFileSync('bash', [join(cluster, 'webhook-down.sh')], { stdio: 'inherit' });
  process.env.RRW_WEBHOOK_URL = execFileSync('bash', [join(cluster, 'webhook-up.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}
