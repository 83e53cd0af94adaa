import { managedByLabel, policyReportName } from '../../wire/replicationNames.js';
import type { AuditOutcome, StatefulSetAudit } from './auditStatefulSet.js';

// The Policy WG's report format (wgpolicyk8s.io/v1alpha2): the one Kyverno still writes by default (its
// openreports.io output is opt-in) and the one Policy Reporter and other UIs read.
export const policyReportResource = { group: 'wgpolicyk8s.io', version: 'v1alpha2', plural: 'policyreports', kind: 'PolicyReport' } as const;

export const reportSource = 'redis-replication-webhook';

export interface PolicyReportResult {
  source: string;
  policy: string;
  rule: string;
  category: string;
  result: AuditOutcome;
  message: string;
  scored: boolean;
  resources: { apiVersion: string; kind: string; namespace: string; name: string; uid?: string }[];
  timestamp: { seconds: number; nanos: number };
}

export type ReportSummary = Record<AuditOutcome | 'error', number>;

export interface PolicyReport {
  apiVersion: `${typeof policyReportResource.group}/${typeof policyReportResource.version}`;
  kind: typeof policyReportResource.kind;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  summary: ReportSummary;
  results: PolicyReportResult[];
}

/** Stands for the policy in results where none could be selected. */
const noPolicy = '(none)';

function summarize(results: readonly PolicyReportResult[]): ReportSummary {
  const summary: ReportSummary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) summary[r.result] += 1;
  return summary;
}

/**
 * One PolicyReport per namespace, holding a result per StatefulSet and check, in a stable order (namespace,
 * name, the audit's check order) so an unchanged cluster gives an unchanged report but for the timestamps.
 * `at` is when the audit ran.
 */
export function policyReports(audits: readonly StatefulSetAudit[], at: Date): PolicyReport[] {
  const timestamp = { seconds: Math.floor(at.getTime() / 1000), nanos: (at.getTime() % 1000) * 1_000_000 };
  const byNamespace = new Map<string, StatefulSetAudit[]>();
  for (const audit of audits) byNamespace.set(audit.namespace, [...(byNamespace.get(audit.namespace) ?? []), audit]);
  return [...byNamespace.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, members]) => {
      const results = [...members]
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((audit) =>
          audit.results.map((r): PolicyReportResult => ({
            source: reportSource,
            policy: audit.policy ?? noPolicy,
            rule: r.check,
            category: 'Redis replication',
            result: r.outcome,
            message: r.message,
            scored: true,
            resources: [
              { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace, name: audit.name, ...(audit.uid !== undefined ? { uid: audit.uid } : {}) },
            ],
            timestamp,
          })),
        );
      return {
        apiVersion: `${policyReportResource.group}/${policyReportResource.version}`,
        kind: policyReportResource.kind,
        metadata: { name: policyReportName, namespace, labels: { [managedByLabel.key]: managedByLabel.value } },
        summary: summarize(results),
        results,
      };
    });
}
