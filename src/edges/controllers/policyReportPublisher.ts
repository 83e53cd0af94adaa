import { isDeepStrictEqual } from 'node:util';
import { policyReportResource, type PolicyReport } from '../../core/audit/policyReport.js';
import { ApiError, type ApiConnection } from '../kubernetes/apiConnection.js';
import { managedByLabel } from '../../wire/replicationNames.js';

/** What a publication changed in the cluster. */
export interface Publication {
  written: number;
  deleted: number;
  unchanged: number;
  /** Reports for namespaces being deleted (or gone): nothing to write there. */
  skipped: number;
}

/** Some reports could not be written or deleted; the others were. */
export class PublicationError extends Error {
  constructor(
    readonly failures: { report: string; error: unknown }[],
    readonly publication: Publication,
  ) {
    super(`${failures.length} PolicyReport writes failed`);
  }
}

/** The API server refuses new objects in a namespace being deleted (403), and finds none in one gone (404 on the namespace). */
function namespaceGoing(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  let status: { message?: unknown; details?: { kind?: unknown } } = {};
  try {
    status = JSON.parse(error.body) as typeof status;
  } catch {
    return false;
  }
  if (error.code === 403) return typeof status.message === 'string' && status.message.includes('because it is being terminated');
  return error.code === 404 && status.details?.kind === 'namespaces';
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
 * each that changed, a delete of each no longer produced. Every write is tried: one namespace's trouble
 * (it is being deleted, say) does not keep the others' reports stale. Failures reject together, after;
 * the next audit starts over from a fresh list.
 */
export function kubernetesReportPublisher(connection: Pick<ApiConnection, 'get' | 'apply' | 'delete'>): ReportPublisher {
  return {
    async publish(reports) {
      const selector = segment(`${managedByLabel.key}=${managedByLabel.value}`);
      const stored = await connection.get<{ items: PolicyReport[] }>(`/apis/${group}/${version}/${plural}?labelSelector=${selector}`);
      const key = (r: { metadata: { namespace: string; name: string } }) => `${r.metadata.namespace}/${r.metadata.name}`;
      const byKey = new Map(stored.items.map((r) => [key(r), r]));
      const publication: Publication = { written: 0, deleted: 0, unchanged: 0, skipped: 0 };
      const failures: { report: string; error: unknown }[] = [];
      const attempt = async (report: string, write: () => Promise<unknown>, done: 'written' | 'deleted') => {
        try {
          await write();
          publication[done] += 1;
        } catch (error) {
          if (namespaceGoing(error)) publication.skipped += 1;
          else failures.push({ report, error });
        }
      };
      for (const report of reports) {
        const existing = byKey.get(key(report));
        byKey.delete(key(report));
        if (existing && isDeepStrictEqual(content(existing), content(report))) {
          publication.unchanged += 1;
          continue;
        }
        const path = `${collection(report.metadata.namespace)}/${segment(report.metadata.name)}`;
        await attempt(key(report), () => connection.apply(path, report, managedByLabel.value), 'written');
      }
      for (const stale of byKey.values()) {
        const path = `${collection(stale.metadata.namespace)}/${segment(stale.metadata.name)}`;
        await attempt(key(stale), () => connection.delete(path), 'deleted');
      }
      if (failures.length > 0) throw new PublicationError(failures, publication);
      return publication;
    },
  };
}
