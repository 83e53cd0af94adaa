import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { eventually, report, waitFor } from '../fixtures/eventually.js';
import { PrometheusServer, scrape, startRedisExporter, type PrometheusAlert } from '../fixtures/prometheusProcesses.js';
import { RedisGroup } from '../fixtures/redisGroup.js';
import { BackgroundProcess, freePort } from '../fixtures/backgroundProcess.js';

// kustomize/components/redis-monitoring's alerts evaluated by a real Prometheus (Debian's) scraping a real
// redis_exporter (Debian's prometheus-redis-exporter, v1.45) beside each member of a real group: the
// group's members are configured by the webhook's injected init script (test/fixtures/redisGroup.ts).
// The leader is killed: "no master", "link down" and "member down" fire, and clear once it is back.
// Prometheus scrapes and evaluates every second. The rules are the shipped ones except `for:`, which is
// 5 s here (the shipped 1 minute is tested by test/promtool/redis-monitoring.test.yaml); run with
// RRW_ALERTS_AS_SHIPPED=1 to keep the shipped `for:` too (the run then takes a few minutes).
// Members on 127.0.0.22-24, a Sentinel on 127.0.0.25, free ports.
const hosts = ['127.0.0.22', '127.0.0.23', '127.0.0.24'];
const sentinelHost = '127.0.0.25';
const namespace = 'test';
const asShipped = process.env.RRW_ALERTS_AS_SHIPPED === '1';
const testFor = '5s';
// What the test allows on top of an alert's `for:`: scrapes and evaluations every second, on 2 busy cores.
const slack = 60_000;

const repo = fileURLToPath(new URL('../../', import.meta.url));
const component = join(repo, 'kustomize', 'components', 'redis-monitoring');

// Loose on purpose: YAML read field by field.
type Doc = any;
interface Rule {
  alert: string;
  expr: string;
  for?: string;
}
const shipped: { groups: { name: string; rules: Rule[] }[] } = parseAllDocuments(
  readFileSync(join(component, 'prometheus-rule.yaml'), 'utf8'),
)[0].toJS().spec;
const rules = shipped.groups.flatMap((g) => g.rules);
const rulesUnderTest = {
  groups: shipped.groups.map((g) => ({ ...g, rules: g.rules.map((r) => (r.for === undefined || asShipped ? r : { ...r, for: testFor })) })),
};

function milliseconds(duration: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(duration);
  if (!match) throw new Error(`a duration of one unit expected, found ${duration}`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
}
/** The `for:` an alert has in this run. */
const forOf = (alert: string) => {
  const rule = rulesUnderTest.groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
  if (rule?.for === undefined) throw new Error(`${alert}: expected a rule with a for:, found ${JSON.stringify(rule)}`);
  return milliseconds(rule.for);
};

let dir: string;
let group: RedisGroup;
let statefulset: string;
const exporters: BackgroundProcess[] = [];
const targets: string[] = [];
let prometheus: PrometheusServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rrw-group-alerts-'));
  // No 5 s wait to batch replicas: the links are up sooner.
  group = await RedisGroup.render({ hosts, port: await freePort(), config: { 'repl-diskless-sync-delay': '0' } });
  await group.start();
  await group.waitForLinks();
  statefulset = group.members[0].name.replace(/-0$/, '');
  for (const member of group.members) {
    const { exporter, target } = await startRedisExporter(member, member.host);
    exporters.push(exporter);
    targets.push(target);
  }
  // The labels the PodMonitor gives each target (kustomize/components/redis-monitoring/pod-monitor.yaml),
  // here from a static config: there are no pods to discover. Pod 0 carries the leader label, as
  // `verify --statefulset` writes it.
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: ['rules.yaml'],
    scrape_configs: [
      {
        job_name: 'redis-replication-group',
        static_configs: group.members.map((member, i) => ({
          targets: [targets[i]],
          labels: {
            namespace,
            statefulset,
            pod: member.name,
            container: 'redis-replication-exporter',
            endpoint: 'metrics',
            replication_role: i === 0 ? 'leader' : 'follower',
          },
        })),
      },
    ],
  };
  prometheus = await PrometheusServer.start(join(dir, 'prometheus'), hosts[0], config, rulesUnderTest);
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(exporters.map((e) => e.stop()));
  await group?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The redis_ metric names a PromQL expression reads. */
const metricNames = (expression: string) => [...expression.matchAll(/\b(redis_[a-z_]+)\b/g)].map((m) => m[1]);

test('every redis_ metric the rules and the dashboard read is one redis_exporter exports, from a master, a replica or a Sentinel', async () => {
  // A Sentinel watching the group (quorum 2 of 1: it never fails over), read by an exporter of its own and
  // not by Prometheus, which would rightly alert on a Sentinel without quorum.
  const sentinelPort = await freePort();
  const sentinelConfig = join(dir, 'sentinel.conf');
  writeFileSync(
    sentinelConfig,
    [`bind ${sentinelHost}`, `port ${sentinelPort}`, `dir ${dir}`, `sentinel monitor ${statefulset} ${hosts[0]} ${group.members[0].port} 2`, ''].join(
      '\n',
    ),
  );
  const sentinel = new BackgroundProcess('redis-sentinel', 'redis-server', [sentinelConfig, '--sentinel']);
  const processes = [sentinel];
  try {
    await sentinel.listening(sentinelHost, sentinelPort);
    const { exporter, target } = await startRedisExporter({ host: sentinelHost, port: sentinelPort }, sentinelHost);
    processes.push(exporter);
    const texts = await Promise.all([...targets, target].map(scrape));
    const exported = new Set(texts.flatMap((text) => [...text.matchAll(/^(redis_[a-z_]+)[{ ]/gm)].map((m) => m[1])));
    const dashboard = JSON.parse(readFileSync(join(component, 'dashboard.json'), 'utf8'));
    const read = new Set([
      ...rules.flatMap((r) => metricNames(r.expr)),
      ...dashboard.panels.flatMap((p: Doc) => p.targets.flatMap((t: Doc) => metricNames(String(t.expr)))),
    ]);
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((name) => !exported.has(name)).sort()).toEqual([]);
    // The version the names were read from.
    expect(texts[0]).toMatch(/^redis_exporter_build_info\{.*version="1\.45\./m);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
  }
}, 60_000);

test('a whole group raises no alert, not even a pending one', async () => {
  // Every member's series scraped: one master, both links up.
  await eventually(
    async () => {
      const [masters, links] = await Promise.all([
        prometheus.query(`redis_instance_info{job="redis-replication-group", role="master"}`),
        prometheus.query(`redis_master_link_up{job="redis-replication-group"} == 1`),
      ]);
      return masters.length === 1 && links.length === 2 ? true : undefined;
    },
    60_000,
    "Prometheus to have every member's series",
  );
  // Then an evaluation of every rule on them.
  const scraped = Date.now();
  await waitFor(async () => (await prometheus.lastEvaluation()) > scraped, 30_000, 'an evaluation of the rules after the scrapes');
  expect(await prometheus.alerts()).toEqual([]);
}, 120_000);

test("the leader killed: no master, its followers' links down and the member down fire after their for:, and clear once it is back", async () => {
  const leader = group.members[0];
  // alertname and pod of each alert expected, pod "" for the group's "no master".
  const expected = [
    ['RedisGroupFollowerLinkDown', group.members[1].name],
    ['RedisGroupFollowerLinkDown', group.members[2].name],
    ['RedisGroupMemberDown', leader.name],
    ['RedisGroupNoMaster', ''],
  ];
  const key = (a: PrometheusAlert) => `${a.labels.alertname} ${a.labels.pod ?? ''}`;
  const longestFor = Math.max(...expected.map(([name]) => forOf(name)));
  const seenPending = new Set<string>();
  const firstFiring = new Map<string, number>();

  const killed = Date.now();
  await group.kill([0]);
  let seen: PrometheusAlert[] = [];
  const fired = await eventually(
    async () => {
      seen = await prometheus.alerts();
      const now = Date.now();
      for (const a of seen) {
        if (a.state === 'pending') seenPending.add(key(a));
        else if (!firstFiring.has(key(a))) firstFiring.set(key(a), now);
      }
      return expected.every(([name, pod]) => firstFiring.has(`${name} ${pod}`)) ? seen : undefined;
    },
    longestFor + slack,
    `${expected.map((e) => e.join(' ')).join(', ')} to fire`,
    250,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; the alerts then: ${JSON.stringify(seen.map((a) => [key(a), a.state]))}`, { cause: error });
  });
  // Those, and nothing else.
  expect(fired.map((a) => [a.labels.alertname, a.labels.pod ?? '', a.state]).sort()).toEqual(expected.map((e) => [...e, 'firing']));
  const noMaster = fired.find((a) => a.labels.alertname === 'RedisGroupNoMaster')!;
  expect(noMaster.labels).toEqual({ alertname: 'RedisGroupNoMaster', namespace, statefulset, severity: 'critical' });
  expect(noMaster.annotations.summary).toBe(`Group ${namespace}/${statefulset} has no master: it takes no writes.`);
  for (const linkDown of fired.filter((a) => a.labels.alertname === 'RedisGroupFollowerLinkDown'))
    expect(linkDown.labels).toMatchObject({
      namespace,
      statefulset,
      master_host: leader.host,
      master_port: String(leader.port),
      severity: 'warning',
    });
  // Each was pending first, became active after the kill, and fired once its for: was over and within
  // the test's bound.
  expect([...seenPending].sort()).toEqual(expected.map((e) => e.join(' ')));
  const timing = fired.map((a) => {
    const active = Date.parse(a.activeAt);
    const firing = firstFiring.get(key(a))!;
    return {
      alert: key(a),
      activeAfterKill: active >= killed,
      firedAfterFor: firing - active >= forOf(a.labels.alertname),
      inBound: firing - killed <= forOf(a.labels.alertname) + slack,
    };
  });
  expect(timing).toEqual(timing.map(({ alert }) => ({ alert, activeAfterKill: true, firedAfterFor: true, inBound: true })));

  const restarted = Date.now();
  await group.start([0]);
  await group.waitForLinks(60_000);
  await waitFor(async () => (await prometheus.alerts()).length === 0, slack, 'every alert to clear');
  const cleared = Date.now();
  report('group alerts', {
    'for:': asShipped ? 'as shipped' : testFor,
    'kill to all firing': `${Math.max(...firstFiring.values()) - killed} ms`,
    'restart to all clear': `${cleared - restarted} ms`,
  });
}, 300_000);
