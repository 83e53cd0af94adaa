import type { AuditOutcome, StatefulSetAudit } from '../../core/audit/auditStatefulSet.js';

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const count = (audit: StatefulSetAudit, outcome: AuditOutcome) => audit.results.filter((r) => r.outcome === outcome).length;

/** Whether no StatefulSet fails a check: what `audit` exits 0 on (warnings allowed, as for `check`). */
export function auditPassed(audits: readonly StatefulSetAudit[]): boolean {
  return audits.every((a) => count(a, 'fail') === 0);
}

function headline(audit: StatefulSetAudit): string {
  const failed = count(audit, 'fail');
  const warned = count(audit, 'warn');
  const policy = audit.policy === undefined ? 'no policy' : `policy ${audit.policy}`;
  const verdict = failed > 0 ? `failing ${plural(failed, 'check')}` : warned > 0 ? `passing, with ${plural(warned, 'warning')}` : 'passing';
  return `StatefulSet ${audit.namespace}/${audit.name} (${policy}): ${verdict}`;
}

/** For a person: each StatefulSet, every check that did not pass with the webhook's message, then totals. */
export function auditTextReport(audits: readonly StatefulSetAudit[], scope: string): string {
  const blocks = audits.map((audit) =>
    [
      headline(audit),
      ...audit.results
        .filter((r) => r.outcome !== 'pass')
        .flatMap((r) => r.message.split('\n').map((line, i) => (i === 0 ? `  ${r.outcome} ${r.check}: ${line}` : `    ${line}`))),
    ].join('\n'),
  );
  const failing = audits.filter((a) => count(a, 'fail') > 0).length;
  const warned = audits.filter((a) => count(a, 'fail') === 0 && count(a, 'warn') > 0).length;
  const summary = [
    `${plural(audits.length, 'labeled StatefulSet')} ${scope}: ${audits.length - failing - warned} passing, ${warned} passing with warnings, ${failing} failing`,
    auditPassed(audits) ? 'audit passed' : `audit failed: ${plural(failing, 'StatefulSet')} failing`,
  ];
  return [...blocks, summary.join('\n')].join('\n\n') + '\n';
}
