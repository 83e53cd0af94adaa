import { webhookMetrics } from '../../src/edges/telemetry/metrics.js';
import { buildWithBase, oneOf, promqlParseErrors } from '../fixtures/monitoringComponent.js';

// kustomize/components/monitoring: its alert rules and dashboard queries parse with Prometheus' own
// parser (test/tools/promql-check), name only metrics the webhook exports, and the dashboard shows them
// all; the ServiceMonitor reaches the webhook's Service with the CA cert-manager keeps. The objects pass
// the prometheus-operator CRDs in test/e2e/kustomize.test.ts.

// Loose on purpose: whatever kustomize emits, read field by field.
type Doc = any;
let docs: Doc[];

beforeAll(() => {
  docs = buildWithBase('monitoring');
});

const one = (kind: string, name?: string): Doc => oneOf(docs, kind, name);
const dashboard = () => JSON.parse(one('ConfigMap', 'redis-replication-webhook-dashboard').data['redis-replication-webhook.json']);
const ruleExpressions = (): string[] => one('PrometheusRule').spec.groups.flatMap((g: Doc) => g.rules.map((r: Doc) => String(r.expr)));
const dashboardExpressions = (): string[] => dashboard().panels.flatMap((p: Doc) => p.targets.map((t: Doc) => String(t.expr)));

/** The webhook's metric names an expression uses (a histogram's series by its family name). */
const metricsIn = (expression: string) =>
  [...expression.matchAll(/redis_replication_webhook_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));

test('every alert and dashboard query parses as PromQL', async () => {
  const expressions = [...ruleExpressions(), ...dashboardExpressions()];
  expect(expressions.length).toBeGreaterThan(10);
  const errors = await promqlParseErrors(expressions);
  expect(expressions.map((e, i) => ({ e, error: errors[i] })).filter((r) => r.error !== null)).toEqual([]);
}, 120_000);

test('they name only metrics the webhook exports, and the dashboard shows every one', async () => {
  const exported = (await webhookMetrics().registry.getMetricsAsJSON()).map((m) => m.name).sort();
  const used = new Set([...ruleExpressions(), ...dashboardExpressions()].flatMap(metricsIn));
  expect([...used].filter((name) => !exported.includes(name))).toEqual([]);
  expect(exported.filter((name) => !dashboardExpressions().some((e) => metricsIn(e).includes(name)))).toEqual([]);
});

test('the dashboard: unique panel ids, no two panels on the same cell, one data source variable', () => {
  const { panels, templating } = dashboard();
  expect(new Set(panels.map((p: Doc) => p.id)).size).toBe(panels.length);
  const cells = new Set<string>();
  for (const { gridPos: g, id } of panels)
    for (let x = g.x; x < g.x + g.w; x++)
      for (let y = g.y; y < g.y + g.h; y++) {
        expect({ id, cell: `${x},${y}`, taken: cells.has(`${x},${y}`) }).toEqual({ id, cell: `${x},${y}`, taken: false });
        cells.add(`${x},${y}`);
      }
  expect(templating.list.map((v: Doc) => v.name)).toEqual(['datasource']);
  expect(one('ConfigMap', 'redis-replication-webhook-dashboard').metadata.labels.grafana_dashboard).toBe('1');
});

test("the ServiceMonitor selects the webhook's Service alone, on its HTTPS port, trusting the CA cert-manager writes", () => {
  const monitor = one('ServiceMonitor');
  const services = docs.filter(
    (d) =>
      d.kind === 'Service' &&
      d.metadata.namespace === monitor.metadata.namespace &&
      Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => d.metadata.labels?.[k] === v),
  );
  expect(services.map((s: Doc) => s.metadata.name)).toEqual(['redis-replication-webhook']);
  const [endpoint] = monitor.spec.endpoints;
  expect(services[0].spec.ports.map((p: Doc) => p.name)).toContain(endpoint.port);
  expect(endpoint.scheme).toBe('https');
  const ca = one('Certificate', 'redis-replication-ca');
  expect(endpoint.tlsConfig.ca.secret).toEqual({ name: ca.spec.secretName, key: 'ca.crt' });
  expect(one('Certificate', 'redis-replication-webhook').spec.dnsNames).toContain(endpoint.tlsConfig.serverName);
});

test('the rules alert on what the README promises: errors, latency, certificate expiry, audit failures', () => {
  const alerts = one('PrometheusRule').spec.groups.flatMap((g: Doc) => g.rules.map((r: Doc) => r.alert));
  expect(alerts).toEqual(
    expect.arrayContaining([
      'RedisReplicationWebhookErrors',
      'RedisReplicationWebhookSlow',
      'RedisReplicationWebhookCertificateExpiresSoon',
      'RedisReplicationAuditFailing',
    ]),
  );
});
