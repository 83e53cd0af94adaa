import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';

// Every PrometheusRule of kustomize/components/ evaluated by Prometheus' own promtool (Debian's prometheus
// package) on the series of test/promtool/<component>.test.yaml: each alert fires where its case says,
// and stays quiet where it says none. promtool takes plain rule files, not PrometheusRule objects: the
// test writes each component's spec to <component>.rules.yaml in a temporary folder beside copies of the
// test files. promtool compares annotations exactly, so that copy leaves out the long descriptions (the
// cases state the summaries); `promtool check rules` checks the whole spec, descriptions' templates too.
const repo = fileURLToPath(new URL('../../', import.meta.url));
const componentsDir = join(repo, 'kustomize', 'components');
const casesDir = join(repo, 'test', 'promtool');
const run = promisify(execFile);

// Loose on purpose: YAML read field by field.
type Doc = any;
interface Rule {
  alert?: string;
  annotations?: Record<string, string>;
}

/** The spec (rule groups) of every PrometheusRule in each component, by component name. */
function componentRules(): Map<string, { groups: { name: string; rules: Rule[] }[] }> {
  const found = new Map<string, { groups: { name: string; rules: Rule[] }[] }>();
  for (const component of readdirSync(componentsDir)) {
    const dir = join(componentsDir, component);
    for (const file of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)))
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS())) {
        if (doc?.kind !== 'PrometheusRule') continue;
        const spec = found.get(component) ?? { groups: [] };
        spec.groups.push(...doc.spec.groups);
        found.set(component, spec);
      }
  }
  return found;
}

const rules = componentRules();
const caseFiles = readdirSync(casesDir).filter((n) => n.endsWith('.test.yaml'));
const cases = new Map(caseFiles.map((n) => [n, parseAllDocuments(readFileSync(join(casesDir, n), 'utf8'))[0].toJS()]));
const alertsOf = (component: string) => rules.get(component)!.groups.flatMap((g) => g.rules.map((r) => r.alert).filter((a) => a !== undefined));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rrw-alert-rules-'));
  for (const [component, spec] of rules) {
    writeFileSync(join(dir, `${component}.full.rules.yaml`), stringify(spec));
    const withoutDescriptions = {
      groups: spec.groups.map((g) => ({
        ...g,
        rules: g.rules.map(({ annotations, ...rule }) => {
          const { description: _left, ...rest } = annotations ?? {};
          return { ...rule, ...(annotations ? { annotations: rest } : {}) };
        }),
      })),
    };
    writeFileSync(join(dir, `${component}.rules.yaml`), stringify(withoutDescriptions));
  }
  for (const name of caseFiles) copyFileSync(join(casesDir, name), join(dir, name));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** promtool's exit and output; a non-zero exit is an answer here, not an exception. */
async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

test('the components with alert rules: the webhook (monitoring) and the groups (redis-monitoring), each with its test file', () => {
  expect([...rules.keys()].sort()).toEqual(['monitoring', 'redis-monitoring']);
  expect(caseFiles.sort()).toEqual([...rules.keys()].map((c) => `${c}.test.yaml`).sort());
  for (const [name, file] of cases)
    expect({ name, rule_files: file.rule_files }).toEqual({ name, rule_files: [name.replace(/\.test\.yaml$/, '.rules.yaml')] });
});

test('promtool check rules: every rule file parses, expressions and annotation templates', async () => {
  const result = await promtool('check', 'rules', ...[...rules.keys()].map((c) => `${c}.full.rules.yaml`));
  expect(result).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
  expect(result.output).not.toMatch(/FAILED|WARNING/);
}, 60_000);

test('promtool test rules: every case fires or stays quiet as it says', async () => {
  const result = await promtool('test', 'rules', ...caseFiles);
  // promtool's own report, with the expected and the found alerts, is the failure message.
  if (result.code !== 0) throw new Error(`promtool test rules failed (exit ${result.code}):\n${result.output}`);
  expect(result.output.match(/SUCCESS/g)?.length).toBe(caseFiles.length);
}, 60_000);

test('every alert has a case where it fires and one where it does not; every case names an alert that exists', () => {
  for (const [component] of rules) {
    const file = cases.get(`${component}.test.yaml`)!;
    const checks: { alertname: string; exp_alerts?: unknown[] }[] = file.tests.flatMap((t: Doc) => t.alert_rule_test ?? []);
    const alerts = alertsOf(component);
    expect(alerts.length).toBeGreaterThan(5);
    const coverage = alerts.map((alert) => ({
      alert,
      fires: checks.some((c) => c.alertname === alert && (c.exp_alerts?.length ?? 0) > 0),
      quiet: checks.some((c) => c.alertname === alert && (c.exp_alerts?.length ?? 0) === 0),
    }));
    expect(coverage.filter((c) => !c.fires || !c.quiet)).toEqual([]);
    // A misspelt name would pass every "stays quiet" case.
    expect(checks.map((c) => c.alertname).filter((name) => !alerts.includes(name))).toEqual([]);
  }
});
