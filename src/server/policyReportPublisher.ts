import { isDeepStrictEqual } from 'node:util';
import { policyReportResource, type PolicyReport } from '../audit/policyReport.js';
import { apiConnection, type ApiConnection } from '../kubernetes/apiConnection.js';
import { managedByLabel } from '../rules/replicationNames.js';

/** What a publication changed in the cluster. */
export interface Publication {
  written: number;
  deleted: number;
  unchanged: number;
}

/** Puts the audit's reports in the cluster: each one written or left as it is, and ours no audit produces any longer deleted. */
export interface ReportPublisher {
  publish(reports: readonly PolicyReport[]): Promise<Publication>;
}

const { group, version, plural } = policyReportResource;
const segment = encodeURIComponent;
const collection = (namespace: string) => `/apis/${group}/${version}/namespaces/${segment(namespace)}/${plural}`;

/** A report but for when its results were found: an audit that found the same need not write. */
function content(report: Pick<PolicyReport, 'summary' | 'results'>): unknown {
  return { summary: report.summary, results: report.results.map(({ timestamp: _found, ...result }) => result) };
}

/**
 * Through the Kubernetes API (apiConnection): one list of our reports by label, a server-side apply of
 * each that changed, a delete of each no longer produced. An error rejects; the next audit starts over
 * from a fresh list, so a publication cut short leaves nothing behind.
 */
export function kubernetesReportPublisher(connection: Pick<ApiConnection, 'get' | 'apply' | 'delete'> = apiConnection()): ReportPublisher {
  return {
    async publish(reports) {
      const selector = segment(`${managedByLabel.key}=${managedByLabel.value}`);
      const stored = await connection.get<{ items: PolicyReport[] }>(`/apis/${group}/${version}/${plural}?labelSelector=${selector}`);
      const key = (r: { metadata: { namespace: string; name: string } }) => `${r.metadata.namespace}/${r.metadata.name}`;
      const byKey = new Map(stored.items.map((r) => [key(r), r]));
      const publication: Publication = { written: 0, deleted: 0, unchanged: 0 };
      for (const report of reports) {
        const existing = byKey.get(key(report));
        byKey.delete(key(report));
        if (existing && isDeepStrictEqual(content(existing), content(report))) {
          publication.unchanged += 1;
          continue;
        }
        await connection.apply(`${collection(report.metadata.namespace)}/${segment(report.metadata.name)}`, report, managedByLabel.value);
        publication.written += 1;
      }
      for (const stale of byKey.values()) {
        await connection.delete(`${collection(stale.metadata.namespace)}/${segment(stale.metadata.name)}`);
        publication.deleted += 1;
      }
      return publication;
    },
  };
}
