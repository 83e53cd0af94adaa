import { runCli } from '../fixtures/runCli.js';

// The audit's options, refused before any cluster is read; its verdicts are tested against the real
// API server in test/e2e/audit.test.ts.
test('--help prints the usage and the exit codes', async () => {
  const run = await runCli(['audit', '--help']);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Usage: redis-replication-webhook audit \[options\]/);
  expect(run.stdout).toContain('Exit status: 0 no StatefulSet fails a check');
});

test.each([
  [['--output', 'yaml'], 'redis-replication-webhook: --output: found "yaml"; allowed text or json\n'],
  [['-n', 'a', '-A'], 'redis-replication-webhook: --namespace and --all-namespaces: found both; give one\n'],
])('audit %j is refused with exit 2', async (args, stderr) => {
  const run = await runCli(['audit', ...args]);
  expect(run).toMatchObject({ code: 2, stdout: '', stderr });
});

test('a policy folder that is not valid is exit 2 before the cluster is read', async () => {
  const run = await runCli(['audit', '--policies', '/nonexistent-policies', '--kubeconfig', '/nonexistent/kubeconfig']);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^audit: cannot load the policies in \/nonexistent-policies:/);
});
