import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWithBase, oneOf, promqlParseErrors } from '../fixtures/monitoringComponent.js';

// kustomize/components/redis-monitoring: its alert rules and dashboard queries parse with Prometheus' own
// parser (test/tools/promql-check), every series they read comes from the PodMonitor's targets (the job
// its relabeling sets) or kube-state-metrics, and the dashboard shows every metric an alert reads. The
// alerts are evaluated by test/server/alertRules.test.ts (promtool) and test/redis/groupAlerts.test.ts
// (a real Prometheus scraping real exporters), which also checks the metric names against the exporter.
const repo = fileURLToPath(new URL('../../', import.meta.url));
const job = 'redis-replication-group';

// Loose on purpose: whatever kustomize emits, read field by field.
type Doc = any;
let docs: Doc[];

beforeAll(() => {
  docs = buildWithBase('redis-monitoring');
});

const one = (kind: string, name?: string): Doc => oneOf(docs, kind, name);
const dashboard = () => JSON.parse(one('ConfigMap', 'redis-replication-groups-dashboard').data['redis-replication-groups.json']);
const rules = (): Doc[] => one('PrometheusRule', 'redis-replication-groups').spec.groups.flatMap((g: Doc) => g.rules);
const ruleExpressions = (): string[] => rules().map((r: Doc) => String(r.expr));
const dashboardExpressions = (): string[] => dashboard().panels.flatMap((p: Doc) => p.targets.map((t: Doc) => String(t.expr)));

/** Every selector of a metric in an expression: its name and what is between the braces ('' for none). */
const selectors = (expression: string) =>
  [...expression.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?/g)]
    .map((m) => ({ name: m[1], matchers: m[2] ?? '' }))
    // A metric is followed by braces or is a redis_ name; the rest are functions, keywords and labels.
    .filter((s) => s.matchers !== '' || s.name.startsWith('redis_'))
    // Words inside by (...) and ignoring (...) lists are labels.
    .filter((s) => !/^(by|on|ignoring|group_left|group_right|without)$/.test(s.name));

test('every alert and dashboard query parses as PromQL', async () => {
  const expressions = [...ruleExpressions(), ...dashboardExpressions()];
  expect(expressions.length).toBeGreaterThan(20);
  const errors = await promqlParseErrors(expressions);
  expect(expressions.map((e, i) => ({ e, error: errors[i] })).filter((r) => r.error !== null)).toEqual([]);
}, 120_000);

test("every series they read is the PodMonitor's (its job) or kube-state-metrics'", () => {
  const read = [...ruleExpressions(), ...dashboardExpressions()].flatMap(selectors);
  expect(read.length).toBeGreaterThan(30);
  const strays = read.filter((s) => s.name !== 'kube_pod_container_status_restarts_total' && !s.matchers.includes(`job="${job}"`));
  expect(strays).toEqual([]);
  // Both endpoints (the member's Redis and its Sentinel) end up in that job.
  const endpoints = one('PodMonitor', 'redis-replication-groups').spec.podMetricsEndpoints;
  expect(endpoints.map((e: Doc) => e.port)).toEqual(['metrics', 'sentinelmetrics']);
  for (const endpoint of endpoints) expect(endpoint.relabelings).toContainEqual({ targetLabel: 'job', replacement: job });
});

test('the PodMonitor labels each target with its group (the StatefulSet) and never with `role`, which redis_instance_info has', () => {
  for (const endpoint of one('PodMonitor', 'redis-replication-groups').spec.podMetricsEndpoints) {
    expect(endpoint.relabelings).toContainEqual({
      sourceLabels: ['__meta_kubernetes_pod_controller_kind', '__meta_kubernetes_pod_controller_name'],
      regex: 'StatefulSet;(.+)',
      targetLabel: 'statefulset',
      replacement: '$1',
    });
    expect(endpoint.relabelings.map((r: Doc) => r.targetLabel)).not.toContain('role');
  }
  // An alert that aggregates keeps the group's labels; the others are about one target, which carries them.
  for (const rule of rules()) {
    const aggregations = [...String(rule.expr).matchAll(/\bby\s*\(([^)]*)\)/g)].map((m) => m[1]);
    for (const labels of aggregations)
      expect({ alert: rule.alert, labels }).toEqual({ alert: rule.alert, labels: expect.stringMatching(/^namespace, statefulset\b/) });
  }
});

test('every alert has a severity, a summary and a description', () => {
  for (const rule of rules()) {
    expect({ alert: rule.alert, severity: rule.labels?.severity }).toEqual({
      alert: rule.alert,
      severity: expect.stringMatching(/^(critical|warning)$/),
    });
    expect(String(rule.annotations?.summary ?? '').length).toBeGreaterThan(20);
    expect(String(rule.annotations?.description ?? '').length).toBeGreaterThan(100);
  }
});

test('the dashboard shows every redis_ metric an alert reads; unique panel ids, no two panels on one cell', () => {
  const names = (expressions: string[]) => new Set(expressions.flatMap(selectors).map((s) => s.name));
  const shown = names(dashboardExpressions());
  expect([...names(ruleExpressions())].filter((n) => !shown.has(n))).toEqual([]);
  const { panels, templating } = dashboard();
  expect(new Set(panels.map((p: Doc) => p.id)).size).toBe(panels.length);
  const cells = new Set<string>();
  for (const { gridPos: g, id } of panels)
    for (let x = g.x; x < g.x + g.w; x++)
      for (let y = g.y; y < g.y + g.h; y++) {
        expect({ id, cell: `${x},${y}`, taken: cells.has(`${x},${y}`) }).toEqual({ id, cell: `${x},${y}`, taken: false });
        cells.add(`${x},${y}`);
      }
  expect(templating.list.map((v: Doc) => v.name)).toEqual(['datasource', 'namespace', 'statefulset']);
  expect(one('ConfigMap', 'redis-replication-groups-dashboard').metadata.labels.grafana_dashboard).toBe('1');
});

test('README\'s "Redis metrics and alerts" lists every alert with its severity, and no other', () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Redis metrics and alerts'),
    readme.indexOf('\n## ', readme.indexOf('## Redis metrics and alerts') + 1),
  );
  const listed = [...section.matchAll(/^\| `(\w+)` \| (\w+) \|/gm)].map((m) => ({ alert: m[1], severity: m[2] }));
  expect(listed).toEqual(rules().map((r: Doc) => ({ alert: r.alert, severity: r.labels.severity })));
});
