import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifest, runCli } from '../fixtures/runCli.js';

const warnPolicies = manifest('policies');
/** Each run starts a Node process that loads every command: about a second on a busy CI machine. */
const cliTimeout = 20_000;

describe('check, run as the built CLI', () => {
  test(
    'a passing group: exit 0, the verdict, what would be injected, the ignored kinds',
    async () => {
      const run = await runCli(['check', '-f', manifest('passing.yaml')]);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`StatefulSet shop/cache (${manifest('passing.yaml')}, document 3): allowed`);
      expect(run.stdout).toContain('    + /spec/template/spec/initContainers:');
      expect(run.stdout).toMatch(/command: \[sh, -c, "<role script, \d+ lines>"\]/);
      expect(run.stdout).toContain('{name: REDIS_LEADER_HOST, value: cache-0.cache-headless.shop.svc.cluster.local}');
      expect(run.stdout).toContain('2 other objects ignored: 1 ConfigMap, 1 Service');
      expect(run.stdout).toMatch(/check passed\n$/);
    },
    cliTimeout,
  );

  test(
    'a denied group: exit 1, every violation with its field path, the passing one beside it',
    async () => {
      const run = await runCli(['check', '-f', manifest('denied.yaml')]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('StatefulSet default/sessions (');
      expect(run.stdout).toMatch(/document 1\): denied\n {2}StatefulSet default\/sessions is not a valid Redis replication group:\n/);
      for (const field of [
        '  - spec.replicas: found 12; allowed 2 to 9',
        '  - spec.podManagementPolicy: found "Parallel"',
        '  - spec.template.spec.containers[0].image: found "memcached:1.6"',
        '  - metadata.annotations["redis-replication/config"]: found replicaof 10.0.0.1 6379',
        '  - spec.volumeClaimTemplates: found no volumeClaimTemplate mounted at /data',
      ]) {
        expect(run.stdout).toContain(field);
      }
      expect(run.stdout).toContain('document 2): allowed');
      expect(run.stdout).toContain('check failed: 1 StatefulSet would be denied');
    },
    cliTimeout,
  );

  test(
    'a warn policy: exit 0, the warning shown',
    async () => {
      const [run, builtIn] = await Promise.all([
        runCli(['check', '-f', manifest('warn.yaml'), '--policies', warnPolicies]),
        runCli(['check', '-f', manifest('warn.yaml')]),
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('StatefulSet caches/page-cache');
      expect(run.stdout).toContain(
        'allowed, with 1 warning\n  warning: spec.replicas: found 7; allowed 2 to 5 (policy "caches") [rule replicas, warn]',
      );
      // Without the policy folder the built-in policy applies, and it wants a volume.
      expect(builtIn.code).toBe(1);
      expect(builtIn.stdout).toContain('spec.volumeClaimTemplates: found no volumeClaimTemplate');
    },
    cliTimeout,
  );

  test(
    'an unlabeled StatefulSet is not ours, and passes',
    async () => {
      const run = await runCli(['check', '-f', manifest('unlabeled.yaml')]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('StatefulSet db/postgres');
      expect(run.stdout).toContain('not ours (no redis-replication: enabled label)');
      expect(run.stdout).toContain('1 other object ignored: 1 Deployment');
    },
    cliTimeout,
  );

  test(
    'reads stdin by default and with -f -; -n names the namespace of objects without one',
    async () => {
      const text = readFileSync(manifest('denied.yaml'), 'utf8');
      const [byDefault, dash, namespaced] = await Promise.all([
        runCli(['check'], text),
        runCli(['check', '-f', '-'], text),
        runCli(['check', '-n', 'team-a'], text),
      ]);
      for (const run of [byDefault, dash]) {
        expect(run.code).toBe(1);
        expect(run.stdout).toContain('StatefulSet default/queue (stdin, document 2): allowed');
      }
      expect(namespaced.stdout).toContain('StatefulSet team-a/queue (stdin, document 2)');
      expect(namespaced.stdout).toContain('value: queue-0.queue-headless.team-a.svc.cluster.local');
    },
    cliTimeout,
  );

  test(
    '--output json: the verdicts and the webhook patch, for a machine',
    async () => {
      const run = await runCli(['check', '-f', manifest('denied.yaml'), '--output', 'json']);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as { passed: boolean; statefulSets: { name: string; verdict: string; patch: { path: string }[] }[] };
      expect(report.passed).toBe(false);
      expect(report.statefulSets.map((s) => [s.name, s.verdict])).toEqual([
        ['sessions', 'denied'],
        ['queue', 'allowed'],
      ]);
      expect(report.statefulSets[1].patch.map((op) => op.path)).toContain('/spec/template/spec/initContainers');
    },
    cliTimeout,
  );

  test.each([
    [
      'not YAML',
      ['-f', manifest('not-yaml.yaml')],
      '',
      `${manifest('not-yaml.yaml')} (document 2): not valid YAML: Flow map in block collection must be sufficiently indented`,
    ],
    ['empty stdin (the step before failed)', [], '', 'stdin: no documents'],
    ['a missing file', ['-f', '/nonexistent/manifests.yaml'], '', 'check: cannot read /nonexistent/manifests.yaml: ENOENT'],
    [
      'a missing policy folder',
      ['--policies', '/nonexistent/policies'],
      'apiVersion: v1\nkind: Service\n',
      'check: cannot load the policies in /nonexistent/policies',
    ],
    ['an unknown output format', ['--output', 'xml'], '', '--output: found "xml"; allowed text or json'],
    ['an unknown flag', ['--frobnicate'], '', "Unknown option '--frobnicate'"],
  ])(
    '%s: exit 2 with a message that says what and where',
    async (_name, args, stdin, message) => {
      const run = await runCli(['check', ...args], stdin);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(message);
    },
    cliTimeout,
  );

  test(
    '--help',
    async () => {
      const run = await runCli(['check', '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: redis-replication-webhook check [-f FILE | -]');
      expect(run.stdout).toContain('Exit status: 0');
    },
    cliTimeout,
  );
});

describe('policies validate, run as the built CLI', () => {
  const policy = (name: string, spec: string) =>
    `apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata: {name: ${name}}\nspec: ${spec}\n`;

  test(
    'a good folder: each file OK with its policies, exit 0',
    async () => {
      const run = await runCli(['policies', 'validate', warnPolicies]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`${join(warnPolicies, 'warn-replicas.yaml')}: OK (caches)`);
      expect(run.stdout).toContain('1 file, 0 invalid');
    },
    cliTimeout,
  );

  test(
    'a bad file: file, document, field and reason, beside the good ones; exit 1',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rrw-policies-'));
      writeFileSync(join(dir, 'good.yaml'), policy('good', '{replicas: {max: 5}}'));
      writeFileSync(join(dir, 'bad.yaml'), `${policy('fine', '{}')}---\n${policy('bad', '{antiAffinity: sometimes, replicas: {min: two}}')}`);
      writeFileSync(join(dir, 'notes.txt'), 'not a policy file');
      const run = await runCli(['policies', 'validate', dir]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`${join(dir, 'good.yaml')}: OK (good)`);
      expect(run.stdout).toContain(
        `${join(dir, 'bad.yaml')} (document 2): spec.antiAffinity: must be equal to one of the allowed values: preferred, required, none`,
      );
      expect(run.stdout).toContain(`${join(dir, 'bad.yaml')} (document 2): spec.replicas.min: must be integer`);
      expect(run.stdout).not.toContain('notes.txt');
      expect(run.stdout).toContain('2 files, 1 invalid');
    },
    cliTimeout,
  );

  test(
    'two policies with one name: exit 1, as serve would refuse them',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rrw-policies-'));
      writeFileSync(join(dir, 'a.yaml'), policy('same', '{}'));
      writeFileSync(join(dir, 'b.yaml'), policy('same', '{}'));
      const run = await runCli(['policies', 'validate', dir]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`${dir}: two policies are named "same"; names must be unique`);
    },
    cliTimeout,
  );

  test(
    'the default folder is ./policies',
    async () => {
      const run = await runCli(['policies', 'validate']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('policies/caches.yaml: OK (caches)');
    },
    cliTimeout,
  );

  test.each([
    ['a folder that does not exist', ['validate', '/nonexistent/policies'], 'policies: cannot read /nonexistent/policies: ENOENT'],
    ['no subcommand', [], 'policies: found no subcommand; expected validate [DIR]'],
    ['an unknown subcommand', ['check'], 'policies: found "check"; expected validate [DIR]'],
  ])(
    '%s: exit 2',
    async (_name, args, message) => {
      const run = await runCli(['policies', ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    },
    cliTimeout,
  );
});
