import { X509Certificate } from 'node:crypto';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdmissionReview } from '../../src/wire/admissionReview.js';
import { isDenied } from '../../src/core/admission/admissionDecision.js';
import { decideAdmission, type Endpoint } from '../../src/core/admission/reviewAdmission.js';
import { defaultPolicy } from '../../src/core/policy/defaultPolicy.js';
import type { EffectivePolicy } from '../../src/core/policy/replicationPolicy.js';
import type { AdmissionHandler } from '../../src/edges/hosting/admissionExchange.js';
import { webhookMetrics, type WebhookMetrics } from '../../src/edges/telemetry/metrics.js';
import { selfSignedCertificate } from '../../src/edges/http/selfSignedCertificate.js';
import { withMetrics } from '../../src/edges/http/withMetrics.js';
import { admissionReview, sampleStatefulSet } from '../fixtures/statefulSet.js';
import { startWebhook, type WebhookProcess } from '../fixtures/webhookProcess.js';
import { waitFor } from '../fixtures/eventually.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, one sample a line; enough of it for these metrics. */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(Array.from((match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g), (m) => [m[1], m[2]]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The value of the one sample with this name and these labels (others ignored); 0 when absent, as Prometheus reads it. */
function value(all: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

const admissions = 'redis_replication_webhook_admissions_total';

describe('withMetrics', () => {
  let metrics: WebhookMetrics;
  beforeEach(() => {
    metrics = webhookMetrics();
  });
  const core =
    (endpoint: Endpoint, policies: readonly EffectivePolicy[] = [defaultPolicy]): AdmissionHandler =>
    (review) =>
      Promise.resolve(decideAdmission(endpoint, review.request!, { policies }));
  const count = async (endpoint: Endpoint, verdict: string, rule: string, operation = 'CREATE') =>
    value(samples(await metrics.registry.metrics()), admissions, { endpoint, operation, verdict, rule });

  test('an allowed and a patched admission count once, as rule none', async () => {
    const unlabeled = sampleStatefulSet();
    delete unlabeled.metadata!.labels!['redis-replication'];
    await withMetrics('validate', metrics, core('validate'))(admissionReview(unlabeled, { operation: 'UPDATE', oldObject: unlabeled }));
    await withMetrics('mutate', metrics, core('mutate'))(admissionReview(sampleStatefulSet()));
    expect(await count('validate', 'allowed', 'none', 'UPDATE')).toBe(1);
    expect(await count('mutate', 'patched', 'none')).toBe(1);
  });

  test('a denial counts once per denying rule; a warn-only rule of a denied object is not counted as denied', async () => {
    const policy: EffectivePolicy = { ...defaultPolicy, rules: { ...defaultPolicy.rules, serviceName: 'warn' } };
    const sts = sampleStatefulSet({ replicas: 40 });
    sts.spec!.template.spec!.containers[0].image = 'memcached';
    sts.spec!.serviceName = '';
    const decision = await withMetrics('validate', metrics, core('validate', [policy]))(admissionReview(sts));
    expect(isDenied(decision)).toBe(true);
    expect(await count('validate', 'denied', 'replicas')).toBe(1);
    expect(await count('validate', 'denied', 'image')).toBe(1);
    expect(await count('validate', 'denied', 'serviceName')).toBe(0);
    expect(await count('validate', 'denied', 'none')).toBe(0);
  });

  test('warnings count as warned, per rule', async () => {
    const policy: EffectivePolicy = { ...defaultPolicy, rules: { ...defaultPolicy.rules, replicas: 'warn' } };
    await withMetrics('validate', metrics, core('validate', [policy]))(admissionReview(sampleStatefulSet({ replicas: 1 })));
    expect(await count('validate', 'warned', 'replicas')).toBe(1);
  });

  test('a denial that names no rule (an unknown policy) counts as rule none', async () => {
    const sts = sampleStatefulSet();
    sts.metadata!.annotations = { 'redis-replication/policy': 'missing' };
    await withMetrics('validate', metrics, core('validate'))(admissionReview(sts));
    expect(await count('validate', 'denied', 'none')).toBe(1);
  });

  test('a failed admission counts as error, is timed, and still fails', async () => {
    const failing: AdmissionHandler = () => Promise.reject(new Error('statefulsets "cache" is forbidden'));
    await expect(withMetrics('validate', metrics, failing)(admissionReview(sampleStatefulSet()))).rejects.toThrow('forbidden');
    expect(await count('validate', 'error', 'none')).toBe(1);
    const all = samples(await metrics.registry.metrics());
    expect(value(all, 'redis_replication_webhook_admission_duration_seconds_count', { endpoint: 'validate' })).toBe(1);
  });

  test('the decision passes through unchanged', async () => {
    const review: AdmissionReview = admissionReview(sampleStatefulSet());
    const direct = decideAdmission('mutate', review.request!, { policies: [defaultPolicy] });
    expect(await withMetrics('mutate', metrics, core('mutate'))(review)).toEqual(direct);
  });
});

describe('GET /metrics on the real server', () => {
  const policy = (max: number) =>
    `apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata: {name: default}\nspec: {replicas: {max: ${max}}}\n`;
  const expiry = (pem: string) => Date.parse(new X509Certificate(pem).validTo) / 1000;
  const hosts = { dns: ['localhost'], ips: ['127.0.0.1'] };
  const first = selfSignedCertificate(hosts, { days: 30 });
  const second = selfSignedCertificate(hosts, { days: 90 });
  const certs = mkdtempSync(join(tmpdir(), 'rrw-certs-'));
  const policies = mkdtempSync(join(tmpdir(), 'rrw-policies-'));
  let webhook: WebhookProcess;
  const scrape = async () => {
    const answer = await webhook.get('/metrics');
    expect(answer.status).toBe(200);
    return samples(answer.body);
  };

  beforeAll(async () => {
    writeFileSync(join(certs, 'tls.crt'), first.cert);
    writeFileSync(join(certs, 'tls.key'), first.key);
    writeFileSync(join(policies, 'default.yaml'), policy(9));
    webhook = await startWebhook(
      ['--policies', policies, '--tls-cert-file', join(certs, 'tls.crt'), '--tls-private-key-file', join(certs, 'tls.key')],
      {
        ca: first.cert + second.cert,
      },
    );
  }, 20_000);
  afterAll(() => webhook.stop());

  test('admissions show in the counters and the latency histogram', async () => {
    const secret = 'hunter2-never-logged';
    const sts = sampleStatefulSet();
    sts.spec!.template.spec!.containers[0].env = [{ name: 'PASSWORD', value: secret }];
    await webhook.post('/mutate', admissionReview(sts));
    await webhook.post('/validate', admissionReview(sampleStatefulSet()));
    await webhook.post('/validate', admissionReview(sampleStatefulSet({ replicas: 12 })));
    const answer = await webhook.get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('# TYPE redis_replication_webhook_admission_duration_seconds histogram');
    const all = samples(answer.body);
    expect(value(all, admissions, { endpoint: 'mutate', operation: 'CREATE', verdict: 'patched', rule: 'none' })).toBe(1);
    expect(value(all, admissions, { endpoint: 'validate', operation: 'CREATE', verdict: 'allowed', rule: 'none' })).toBe(1);
    expect(value(all, admissions, { endpoint: 'validate', operation: 'CREATE', verdict: 'denied', rule: 'replicas' })).toBe(1);
    const histogram = 'redis_replication_webhook_admission_duration_seconds';
    expect(value(all, `${histogram}_count`, { endpoint: 'validate' })).toBe(2);
    expect(value(all, `${histogram}_count`, { endpoint: 'mutate' })).toBe(1);
    expect(value(all, `${histogram}_bucket`, { endpoint: 'validate', le: '1' })).toBe(2);
    expect(all.some((s) => s.name === `${histogram}_bucket` && s.labels.le === '0.0001')).toBe(true);
    // One JSON log line per admission, with its uid, and never the object: a value inside it is not logged.
    expect(webhook.logs()).toMatch(/"message":"admission","endpoint":"mutate","uid":"uid-\d+"/);
    expect(webhook.logs()).not.toContain(secret);
  });

  test('a policy reload moves the reload counter, a failed one too', async () => {
    expect(value(await scrape(), 'redis_replication_webhook_policy_reloads_total', { result: 'success' })).toBe(1);
    expect(value(await scrape(), 'redis_replication_webhook_policy_reloads_total', { result: 'failure' })).toBe(0);
    writeFileSync(join(policies, 'default.yaml'), policy(5));
    await waitFor(async () => value(await scrape(), 'redis_replication_webhook_policy_reloads_total', { result: 'success' }) >= 2);
    writeFileSync(
      join(policies, 'broken.yaml'),
      'apiVersion: redis-replication.io/v1alpha1\nkind: ReplicationPolicy\nmetadata: {name: broken}\nspec: {port: "x"}\n',
    );
    await waitFor(async () => value(await scrape(), 'redis_replication_webhook_policy_reloads_total', { result: 'failure' }) >= 1);
  }, 25_000);

  test('the audit runs are counted from 0 before the first, so an alert on the first failure sees it', async () => {
    const all = await scrape();
    for (const result of ['success', 'failure']) expect(value(all, 'redis_replication_webhook_audit_runs_total', { result })).toBe(0);
  });

  test('the certificate expiry gauge is set, and follows a rotated certificate', async () => {
    const gauge = 'redis_replication_webhook_certificate_expiry_timestamp_seconds';
    expect(value(await scrape(), gauge)).toBe(expiry(first.cert));
    writeFileSync(join(certs, 'tls.key.new'), second.key);
    writeFileSync(join(certs, 'tls.crt.new'), second.cert);
    renameSync(join(certs, 'tls.key.new'), join(certs, 'tls.key'));
    renameSync(join(certs, 'tls.crt.new'), join(certs, 'tls.crt'));
    await waitFor(async () => value(await scrape(), gauge) === expiry(second.cert));
    expect(expiry(second.cert) - expiry(first.cert)).toBeCloseTo(60 * 86_400, -2);
  }, 15_000);
});
