import { describeCheck, type CheckResult } from './checkResult.js';
import { memberAddress, type Member } from './member.js';
import type { ReplicationOutcome } from './replicationOutcome.js';

export interface Report {
  /** What was checked: `StatefulSet ns/name` or `endpoints a,b`. */
  target: string;
  members: readonly Member[];
  results: readonly CheckResult[];
  outcome: ReplicationOutcome;
  elapsedMs: number;
  /** Why writing the outcome onto the cluster failed, if it did. */
  recordError?: string;
}

const statusWord = { passed: 'pass', failed: 'FAIL', skipped: 'skip' } as const;

/** The summary a person reads in a Job's log: every check, with expected and found for those that did not pass. */
export function formatReportText(report: Report): string {
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  const lines = [`redis-replication verify ${report.target}: ${report.outcome.result.toUpperCase()} after ${seconds}s`];
  report.members.forEach((member, ordinal) => {
    const address = memberAddress(member);
    lines.push(`  ${ordinal === 0 ? 'leader  ' : 'follower'} ${member.name === address ? address : `${member.name} ${address}`}`);
  });
  for (const result of report.results) {
    const detail = result.status === 'passed' ? `${result.member} ${result.check}: ${result.found}` : describeCheck(result);
    lines.push(`  ${statusWord[result.status]} ${detail}`);
  }
  lines.push(report.outcome.summary);
  if (report.recordError !== undefined) lines.push(`the outcome was not recorded on the cluster: ${report.recordError}`);
  return lines.join('\n') + '\n';
}

export function formatReportJson(report: Report): string {
  return (
    JSON.stringify({
      result: report.outcome.result,
      target: report.target,
      summary: report.outcome.summary,
      elapsedSeconds: Math.round(report.elapsedMs) / 1000,
      members: report.members.map((m) => ({
        name: m.name,
        address: memberAddress(m),
        ...(m.podReady === undefined ? {} : { podReady: m.podReady }),
      })),
      checks: report.results,
      ...(report.recordError === undefined ? {} : { recordError: report.recordError }),
    }) + '\n'
  );
}
