import { log } from '../../edges/telemetry/log.js';
import type { WebhookMetrics } from '../../edges/telemetry/metrics.js';
import type { AuditRun } from '../../edges/controllers/clusterAudit.js';
import type { LeaderRound } from '../../edges/controllers/leaderLabeler.js';

/** An audit's outcome in the log and the metrics. A trouble the retries repeat is logged when it changes. */
export function auditRecorder(metrics: WebhookMetrics): (run: AuditRun) => void {
  let lastError = '';
  return (run) => {
    metrics.auditRuns.inc({ result: run.ok ? 'success' : 'failure' });
    for (const [result, n] of Object.entries(run.summary)) metrics.auditResults.set({ result }, n);
    if (!run.ok) {
      if (run.error !== lastError)
        log('warn', 'audit not published; tried again later', { error: run.error, statefulSets: run.statefulSets, results: run.summary });
      lastError = run.error;
      return;
    }
    lastError = '';
    log('info', 'audit published', { statefulSets: run.statefulSets, results: run.summary, reports: run.publication });
  };
}

/**
 * Leader label rounds in the log and the metrics: a move of the label, and a group that cannot be decided,
 * once each time it changes. A round of all groups replaces what the gauges count; a group's own round
 * after a switch updates that group.
 */
export function leaderRecorder(metrics: WebhookMetrics): (rounds: LeaderRound[], scope: 'all' | 'switch') => void {
  const last = new Map<string, string>();
  let decided = new Map<string, boolean>();
  return (rounds, scope) => {
    if (scope === 'all') decided = new Map();
    for (const round of rounds) decided.set(round.statefulSet, round.error === undefined && round.decision.leader !== undefined);
    const undecided = [...decided.values()].filter((d) => !d).length;
    metrics.leaderGroups.set({ result: 'decided' }, decided.size - undecided);
    metrics.leaderGroups.set({ result: 'undecided' }, undecided);
    for (const round of rounds) {
      const trouble = round.error ?? (round.decision.leader === undefined ? round.decision.reason : '');
      if (round.labeled.length > 0)
        log('info', 'leader labels moved', { statefulSet: round.statefulSet, leader: round.decision.leader, labeled: round.labeled, after: scope });
      if (trouble !== (last.get(round.statefulSet) ?? '') && trouble !== '')
        log('warn', 'leader labels not changed; tried again next round', { statefulSet: round.statefulSet, reason: trouble });
      last.set(round.statefulSet, trouble);
    }
  };
}
