import type { AdmissionResponse } from '../../wire/admissionReview.js';
import type { AdmissionDecision, Finding, Subject } from './admissionDecision.js';

/** A finding as one line, as kubectl prints it: `field: found X; allowed Y [rule name]` (`, warn` for a warning). */
export function describeFinding(finding: Finding): string {
  if (finding.rule === undefined) return finding.message;
  return `${finding.field}: found ${finding.found}; allowed ${finding.allowed} [rule ${finding.rule}${finding.enforcement === 'warn' ? ', warn' : ''}]`;
}

function title(subject: Subject | undefined): string {
  if (subject?.kind === 'ReplicationPolicy') return `ReplicationPolicy ${subject.name} is not a valid policy`;
  return `StatefulSet ${subject?.name ?? '(unnamed)'} is not a valid Redis replication group`;
}

/** The denial as the API server shows it after "denied the request:", every deny at once; undefined when nothing denies. */
export function denialMessage(decision: AdmissionDecision): string | undefined {
  const denials = decision.findings.filter((f) => f.enforcement === 'deny');
  return denials.length === 0 ? undefined : `${title(decision.subject)}:\n- ${denials.map(describeFinding).join('\n- ')}`;
}

export function warningTexts(decision: AdmissionDecision): string[] {
  return decision.findings.filter((f) => f.enforcement === 'warn').map(describeFinding);
}

/** The one place a decision becomes an admission.k8s.io/v1 response. */
export function admissionResponse(uid: string, decision: AdmissionDecision): AdmissionResponse {
  const message = denialMessage(decision);
  const warnings = warningTexts(decision);
  return {
    uid,
    allowed: message === undefined,
    ...(message === undefined ? {} : { status: { code: 403, reason: 'Forbidden', message } }),
    ...(message === undefined && decision.patch.length > 0
      ? { patchType: 'JSONPatch' as const, patch: Buffer.from(JSON.stringify(decision.patch)).toString('base64') }
      : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
