import type { Operation as PatchOperation } from 'fast-json-patch';
import type { Enforcement, RuleName } from '../policy/replicationPolicy.js';

/**
 * One thing the core found wrong: a rule's violation (`field: found X; allowed Y`), or, without a rule,
 * a policy the object cannot get (an unknown policy annotation) or a policy object that is not valid.
 */
export type Finding =
  | { rule: RuleName; enforcement: Enforcement; field: string; found: string; allowed: string }
  | { rule?: undefined; enforcement: Enforcement; message: string };

/** What is being judged, for the denial's first line. */
export interface Subject {
  kind: 'StatefulSet' | 'ReplicationPolicy';
  /** `namespace/name` for a StatefulSet, the name for a policy. */
  name: string;
}

/**
 * The core's answer to one admission request, as data: the edges (the HTTP response, metrics, logs,
 * `check`) read it; none of them parses text the core wrote. No subject: the request is none of ours.
 */
export interface AdmissionDecision {
  subject?: Subject;
  /** The name of the policy that decided a StatefulSet, when one could be selected. */
  policy?: string;
  patch: PatchOperation[];
  findings: Finding[];
}

export const notOurs: AdmissionDecision = { patch: [], findings: [] };

export function isDenied(decision: AdmissionDecision): boolean {
  return decision.findings.some((f) => f.enforcement === 'deny');
}
