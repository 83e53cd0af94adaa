import { enabledLabel } from '../../wire/replicationNames.js';
import { checkPassed, type CheckReport, type CheckVerdict, type StatefulSetCheck } from './checkManifests.js';
import { describePatch } from './describePatch.js';

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function headline(check: StatefulSetCheck): string {
  switch (check.verdict) {
    case 'not ours':
      return `not ours (no ${enabledLabel.key}: ${enabledLabel.value} label)`;
    case 'warned':
      return `allowed, with ${plural(check.warnings.length, 'warning')}`;
    case 'allowed':
    case 'denied':
      return check.verdict;
  }
}

function describeCheck(check: StatefulSetCheck, source: string): string[] {
  const lines = [`StatefulSet ${check.namespace}/${check.name} (${source}, ${check.where}): ${headline(check)}`];
  if (check.verdict === 'not ours') return lines;
  if (check.message !== undefined) lines.push(...check.message.split('\n').map((line) => `  ${line}`));
  lines.push(...check.warnings.map((warning) => `  warning: ${warning}`));
  // Beside the admission verdict, not part of it: the cluster would admit the StatefulSet either way.
  if (check.disruptionBudget) lines.push(`  disruption budget (${check.disruptionBudget.outcome}): ${check.disruptionBudget.message}`);
  if (check.patch.length === 0) lines.push('  would inject nothing: already as the webhook makes it');
  else lines.push(`  would inject (${plural(check.patch.length, 'change')}):`, ...describePatch(check.patch).map((line) => `    ${line}`));
  return lines;
}

function summary(report: CheckReport): string[] {
  const counts = (verdict: CheckVerdict) => report.statefulSets.filter((s) => s.verdict === verdict).length;
  const ignored = Object.entries(report.ignored).sort(([a], [b]) => a.localeCompare(b));
  const ignoredTotal = ignored.reduce((sum, [, n]) => sum + n, 0);
  const denied = counts('denied');
  const unprotected = report.statefulSets.filter((s) => s.disruptionBudget?.outcome === 'fail').length;
  const failures = [
    ...(denied > 0 ? [`${plural(denied, 'StatefulSet')} would be denied`] : []),
    ...(unprotected > 0 ? [`${plural(unprotected, 'StatefulSet')} without the PodDisruptionBudget their policy requires`] : []),
  ];
  return [
    `${plural(report.statefulSets.length, 'StatefulSet')}: ${counts('allowed')} allowed, ${counts('warned')} allowed with warnings, ${denied} denied, ${counts('not ours')} not ours`,
    `${plural(ignoredTotal, 'other object')} ignored${ignoredTotal > 0 ? ': ' + ignored.map(([kind, n]) => `${n} ${kind}`).join(', ') : ''}`,
    checkPassed(report) ? 'check passed' : `check failed: ${failures.join('; ')}`,
  ];
}

/** The report for a person reading CI output: each StatefulSet, its verdict and reasons, what would be injected, then totals. */
export function textReport(report: CheckReport): string {
  const blocks = report.statefulSets.map((check) => describeCheck(check, report.source).join('\n'));
  return [...blocks, summary(report).join('\n')].join('\n\n') + '\n';
}
