import { X509Certificate } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What one admission came to; `error` is an admission the HTTP layer answered with 500. */
export const admissionVerdicts = ['allowed', 'patched', 'warned', 'denied', 'error'] as const;
export type AdmissionVerdict = (typeof admissionVerdicts)[number];

export type ReloadResult = 'success' | 'failure';

export interface WebhookMetrics {
  /** Our own registry: the global one would also collect whatever a dependency registers there. */
  registry: Registry;
  admissions: Counter<'endpoint' | 'operation' | 'verdict' | 'rule'>;
  admissionDuration: Histogram<'endpoint'>;
  policyReloads: Counter<'result'>;
  certificateExpiry: Gauge;
  apiReads: Counter<'object'>;
  auditResults: Gauge<'result'>;
  auditRuns: Counter<'result'>;
  leaderGroups: Gauge<'result'>;
  leading: Gauge;
}

export function webhookMetrics(): WebhookMetrics {
  const registry = new Registry();
  const metrics: WebhookMetrics = {
    registry,
    admissions: new Counter({
      name: 'redis_replication_webhook_admissions_total',
      help: 'Admission reviews answered, by verdict; a review that breaks several rules is counted once per rule (rule="none" when it breaks none).',
      labelNames: ['endpoint', 'operation', 'verdict', 'rule'],
      registers: [registry],
    }),
    admissionDuration: new Histogram({
      name: 'redis_replication_webhook_admission_duration_seconds',
      help: 'Time to answer an admission review, from decoded request to answer.',
      labelNames: ['endpoint'],
      // An answer takes well under a millisecond; the API server gives up after timeoutSeconds (5).
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    policyReloads: new Counter({
      name: 'redis_replication_webhook_policy_reloads_total',
      help: "Loads of the policy folder and, with --watch-cluster-policies, of the cluster's ReplicationPolicy objects; on failure the last good policies stay in force.",
      labelNames: ['result'],
      registers: [registry],
    }),
    certificateExpiry: new Gauge({
      name: 'redis_replication_webhook_certificate_expiry_timestamp_seconds',
      help: 'When the serving certificate expires (Unix time); updated when the certificate is reloaded.',
      registers: [registry],
    }),
    apiReads: new Counter({
      name: 'redis_replication_webhook_api_reads_total',
      help: "Objects read through the Kubernetes API to answer an admission (a scale's StatefulSet, a governing Service, a ConfigMap holding the Redis config file); with --watch-statefulsets, scales of StatefulSets not labeled read none.",
      labelNames: ['object'],
      registers: [registry],
    }),
    auditResults: new Gauge({
      name: 'redis_replication_webhook_audit_results',
      help: 'Results of the last audit (serve --audit-interval) over every labeled StatefulSet and check, by result (pass, fail, warn, skip), published or not.',
      labelNames: ['result'],
      registers: [registry],
    }),
    auditRuns: new Counter({
      name: 'redis_replication_webhook_audit_runs_total',
      help: 'Audits run (serve --audit-interval); a failure is one whose PolicyReports could not all be written, tried again later.',
      labelNames: ['result'],
      registers: [registry],
    }),
    leading: new Gauge({
      name: 'redis_replication_webhook_leading',
      help: 'Whether the background loops (audit, leader labels) run on this replica: 1 on the holder of the Lease (serve --leader-elect), or on every replica without election; 0 on the others.',
      registers: [registry],
    }),
    leaderGroups: new Gauge({
      name: 'redis_replication_webhook_leader_groups',
      help: 'Groups with Sentinel failover in the last leader-label round (serve --label-leaders): decided (a majority of Sentinels named a pod, labels as they say) or undecided (labels left as they were).',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
  for (const object of ['statefulset', 'service']) metrics.apiReads.inc({ object }, 0);
  // Present from the start at 0, so an alert on increase(...{result="failure"}) sees the first failure
  // (RedisReplicationPolicyReloadFailed, RedisReplicationAuditNotPublished).
  for (const result of ['success', 'failure'] satisfies ReloadResult[]) {
    metrics.policyReloads.inc({ result }, 0);
    metrics.auditRuns.inc({ result }, 0);
  }
  return metrics;
}

/** The expiry of the first certificate in a PEM chain: the serving (leaf) certificate. */
export function certificateExpirySeconds(pem: string): number {
  return Date.parse(new X509Certificate(pem).validTo) / 1000;
}
