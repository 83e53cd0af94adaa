import type { V1PodDisruptionBudget, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import type { ClusterObjects } from '../../core/admission/reviewAdmission.js';
import { auditStatefulSet } from '../../core/audit/auditStatefulSet.js';
import { policyReports, type ReportSummary } from '../../core/audit/policyReport.js';
import { describeApiError, apiStatus } from '../kubernetes/kubernetesClient.js';
import type { EffectivePolicy } from '../../core/policy/replicationPolicy.js';
import { PublicationError, type ReportPublisher, type Publication } from './policyReportPublisher.js';
import type { WatchedObjects } from '../kubernetes/watchedObjects.js';
import { configMapsToRead, type ConfigMaps } from '../../core/rules/configFileEntries.js';
import { readConfigMaps, type ReadConfigMap } from '../kubernetes/configMapReads.js';

/** One audit: its results over the cluster, and how publishing them went. */
export type AuditRun = { summary: ReportSummary; statefulSets: number } & ({ ok: true; publication: Publication } | { ok: false; error: string });

export interface ClusterAuditOptions {
  statefulSets: WatchedObjects<V1StatefulSet>;
  /** With serve --check-services: the governing Services, so the serviceName rule is audited too. */
  services?: WatchedObjects<V1Service>;
  /**
   * With serve --check-config-files: the ConfigMaps holding a group's config file are read on each audit
   * (not watched), so a change to one shows by the next interval at the latest.
   */
  readConfigMap?: ReadConfigMap;
  /** A ConfigMap that could not be read; the file it holds is left unchecked. */
  onConfigMapError?: (configMap: string, error: unknown) => void;
  /**
   * A namespace's PodDisruptionBudgets, listed on each audit (not watched: a budget added or removed
   * shows by the next interval), so a group no budget protects is reported.
   */
  listDisruptionBudgets?: (namespace: string) => Promise<V1PodDisruptionBudget[]>;
  /** A namespace whose budgets could not be listed: its groups' disruptionBudget result is left out. */
  onDisruptionBudgetsError?: (namespace: string, error: unknown) => void;
  policies: () => readonly EffectivePolicy[];
  publisher: ReportPublisher;
  /** A full audit at least this often, changes or not (a Service or a policy may change unseen by a trigger). */
  intervalMs: number;
  /** How long a burst of changes (an Argo CD sync of many objects) is let settle before one audit. */
  settleMs?: number;
  /** After a failed publication, how soon to try again. */
  retryMs?: number;
  onRun: (run: AuditRun) => void;
}

export interface ClusterAudit {
  /** Audits soon: a labeled StatefulSet, a Service or the policies changed. */
  trigger(): void;
  close(): void;
}

function describeOne(error: unknown): string {
  const hint =
    apiStatus(error) === 404
      ? ' (is the PolicyReport CRD installed? Kyverno and Policy Reporter ship it: policyreports.wgpolicyk8s.io)'
      : apiStatus(error) === 403
        ? ' (does the ClusterRole allow list, create, patch and delete on policyreports.wgpolicyk8s.io?)'
        : '';
  return `${describeApiError(error)}${hint}`;
}

function describeTrouble(error: unknown): string {
  if (!(error instanceof PublicationError)) return `cannot publish the PolicyReports: ${describeOne(error)}`;
  const { failures, publication } = error;
  const [first] = failures;
  const others = failures.length > 1 ? ` (and ${failures.length - 1} more)` : '';
  return `${failures.length} PolicyReports not written, ${publication.written} written: ${first?.report ?? ''}: ${describeOne(first?.error)}${others}`;
}

/**
 * The audit of every labeled StatefulSet the webhook keeps in memory, with the policies in force, each
 * time something it depends on changes (after `settleMs`) and every `intervalMs`: its PolicyReports
 * published, one per namespace. One audit runs at a time (one timer); a trigger during one runs another after it.
 * While the StatefulSet watch is not in sync there is nothing whole to audit: the next list triggers.
 */
export function clusterAudit(options: ClusterAuditOptions): ClusterAudit {
  const settleMs = options.settleMs ?? 1_000;
  const retryMs = options.retryMs ?? 10_000;
  let closed = false;
  let running = false;
  let again = false;
  let pending: NodeJS.Timeout | undefined;

  const serviceOf = (sts: V1StatefulSet): V1Service | null | undefined => {
    const name = sts.spec?.serviceName;
    if (!options.services || !name) return undefined;
    const found = options.services.lookup(sts.metadata?.namespace ?? 'default', name);
    return found.known ? (found.object ?? null) : undefined;
  };

  const configMapsOf = (sts: V1StatefulSet): Promise<ConfigMaps | undefined> => {
    const names = configMapsToRead(sts);
    if (!options.readConfigMap || names.length === 0) return Promise.resolve(undefined);
    const namespace = sts.metadata?.namespace ?? 'default';
    return readConfigMaps(options.readConfigMap, namespace, names, (name, error) => options.onConfigMapError?.(`${namespace}/${name}`, error));
  };

  const disruptionBudgetsByNamespace = async (statefulSets: readonly V1StatefulSet[]) => {
    const budgets = new Map<string, V1PodDisruptionBudget[]>();
    const list = options.listDisruptionBudgets;
    if (!list) return budgets;
    const namespaces = [...new Set(statefulSets.map((sts) => sts.metadata?.namespace ?? 'default'))];
    await Promise.all(
      namespaces.map((namespace) =>
        list(namespace).then(
          (found) => void budgets.set(namespace, found),
          (error: unknown) => options.onDisruptionBudgetsError?.(namespace, error),
        ),
      ),
    );
    return budgets;
  };

  const schedule = (ms: number) => {
    if (closed) return;
    clearTimeout(pending);
    pending = setTimeout(() => void run(), ms);
  };

  const run = async () => {
    const statefulSets = options.statefulSets.all();
    if (statefulSets === undefined) return schedule(options.intervalMs);
    running = true;
    const policies = options.policies();
    const configMaps = await Promise.all(statefulSets.map(configMapsOf));
    const disruptionBudgets = await disruptionBudgetsByNamespace(statefulSets);
    const audits = statefulSets.flatMap((sts, i) => {
      const service = serviceOf(sts);
      const budgets = disruptionBudgets.get(sts.metadata?.namespace ?? 'default');
      const known: ClusterObjects = {
        ...(service === undefined ? {} : { service }),
        ...(configMaps[i] === undefined ? {} : { configMaps: configMaps[i] }),
        ...(budgets === undefined ? {} : { disruptionBudgets: budgets }),
      };
      return auditStatefulSet(sts, policies, known) ?? [];
    });
    const reports = policyReports(audits, new Date());
    const summary: ReportSummary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const report of reports) for (const [result, n] of Object.entries(report.summary)) summary[result as keyof ReportSummary] += n;
    const found = { summary, statefulSets: audits.length };
    let next = options.intervalMs;
    try {
      options.onRun({ ...found, ok: true, publication: await options.publisher.publish(reports) });
    } catch (error) {
      options.onRun({ ...found, ok: false, error: describeTrouble(error) });
      next = retryMs;
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      next = 0;
    }
    schedule(next);
  };

  // A change seen during an audit may have come too late for it: one more audit right after.
  const trigger = () => {
    if (running) again = true;
    else schedule(settleMs);
  };
  // Unsubscribed on close: the audit stops and starts again with this replica's leadership.
  const unsubscribe = [options.statefulSets.onChange(trigger), options.services?.onChange(trigger)];
  trigger();
  return {
    trigger,
    close: () => {
      closed = true;
      clearTimeout(pending);
      for (const stop of unsubscribe) stop?.();
    },
  };
}
