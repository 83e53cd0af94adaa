import type { V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import type { AdmissionRequest } from '../../wire/admissionReview.js';
import { describeFinding } from '../admission/admissionResponse.js';
import { isDenied, type AdmissionDecision } from '../admission/admissionDecision.js';
import { jsonPatchDiff } from '../admission/jsonPatchDiff.js';
import { decideAdmission, type ClusterObjects } from '../admission/reviewAdmission.js';
import { ruleNames, type EffectivePolicy, type RuleName } from '../policy/replicationPolicy.js';
import { mutatedByAnnotation } from '../../wire/replicationNames.js';
import { webhookVersion } from '../../wire/webhookVersion.js';
import { disruptionBudgetResult } from './disruptionBudgetResult.js';

/** The Policy WG's result values, of which an audit gives these. */
export type AuditOutcome = 'pass' | 'fail' | 'warn' | 'skip';

/**
 * What the audit checks besides the policy's rules: `policy`, that a policy governs the object at all;
 * `wiring`, that what the mutating webhook injects is stored (and by this version of it);
 * `disruptionBudget`, that a PodDisruptionBudget selects its pods (when the namespace's are known).
 */
export type AuditCheck = RuleName | 'policy' | 'wiring' | 'disruptionBudget';

export interface AuditResult {
  check: AuditCheck;
  outcome: AuditOutcome;
  /** The webhook's own words for a failure or warning (`field: found X; allowed Y [rule r]`); what passed, otherwise. */
  message: string;
}

/** One stored StatefulSet, judged now: every rule, the policy choice and the wiring. */
export interface StatefulSetAudit {
  namespace: string;
  name: string;
  uid?: string;
  /** The governing policy's name; absent when none can be selected (then `policy` fails). */
  policy?: string;
  results: AuditResult[];
}

function storedRequest(sts: V1StatefulSet, namespace: string): AdmissionRequest {
  const name = sts.metadata?.name ?? '';
  return {
    uid: `audit:${namespace}/${name}`,
    kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
    resource: { group: 'apps', version: 'v1', resource: 'statefulsets' },
    name,
    namespace,
    // With no old object every mutator runs: the question is what the webhook would make of it today.
    operation: 'UPDATE',
    object: sts,
    dryRun: true,
  };
}

function ruleResults(validation: AdmissionDecision): AuditResult[] {
  return ruleNames.map((rule) => {
    const findings = validation.findings.filter((f) => f.rule === rule);
    if (findings.length === 0) return { check: rule, outcome: 'pass', message: `rule ${rule} passed` };
    return { check: rule, outcome: isDenied({ ...validation, findings }) ? 'fail' : 'warn', message: findings.map(describeFinding).join('\n') };
  });
}

function withoutMutatedBy(sts: V1StatefulSet): V1StatefulSet {
  const annotations = { ...sts.metadata?.annotations };
  delete annotations[mutatedByAnnotation];
  return { ...sts, metadata: { ...sts.metadata, annotations } };
}

const shownPaths = 5;

/**
 * The fix for wiring that is missing or dated. Not "apply it again": kubectl sends nothing when the file
 * did not change, and an update that leaves the pod template alone is not rewired (so a scale never rolls
 * the pods). A restart changes the template, so the update is wired, and the pods must roll anyway.
 */
function rewire(sts: V1StatefulSet): string {
  const name = sts.metadata?.name ?? '';
  return `run kubectl rollout restart statefulset/${name} -n ${sts.metadata?.namespace ?? 'default'} with the webhook running (any change of the pod template does it): the update is wired and the pods roll onto it`;
}

function wiringResult(stored: V1StatefulSet, mutation: AdmissionDecision): AuditResult {
  const recorded = stored.metadata?.annotations?.[mutatedByAnnotation];
  const current = `redis-replication-webhook/${webhookVersion}`;
  if (mutation.patch.length === 0) return { check: 'wiring', outcome: 'pass', message: `wired as ${current} wires it (${recorded ?? 'no record'})` };
  if (recorded === undefined)
    return {
      check: 'wiring',
      outcome: 'fail',
      message:
        `metadata.annotations["${mutatedByAnnotation}"]: found none; the StatefulSet was stored without the mutating webhook ` +
        `(created while it was not registered, or where it does not run), so its pods start as unrelated Redis servers; ` +
        rewire(stored),
    };
  const mutated = fastJsonPatch.applyPatch(structuredClone(stored), mutation.patch, false, false).newDocument;
  const changes = jsonPatchDiff(withoutMutatedBy(stored), withoutMutatedBy(mutated)).map((op) => op.path);
  const listed = changes.slice(0, shownPaths).join(', ') + (changes.length > shownPaths ? `, and ${changes.length - shownPaths} more` : '');
  return {
    check: 'wiring',
    outcome: 'warn',
    message:
      `metadata.annotations["${mutatedByAnnotation}"]: found "${recorded}"; running ${current}` +
      (changes.length === 0 ? ', which injects the same: only the record differs' : `, which would change ${listed}; ${rewire(stored)}`),
  };
}

/**
 * A StatefulSet as stored, judged by the webhook's own core: the validating webhook's findings per rule,
 * and whether the mutating webhook would still change it. `known` is what the cluster holds around it
 * (its governing Service, the ConfigMaps its Redis container mounts, the namespace's PodDisruptionBudgets;
 * each absent when not known, then not checked). Undefined for a StatefulSet that is not ours (no label).
 */
export function auditStatefulSet(sts: V1StatefulSet, policies: readonly EffectivePolicy[], known: ClusterObjects = {}): StatefulSetAudit | undefined {
  const namespace = sts.metadata?.namespace ?? 'default';
  const request = storedRequest(sts, namespace);
  const validation = decideAdmission('validate', request, { ...known, policies });
  if (validation.subject === undefined) return undefined;
  const audit: StatefulSetAudit = {
    namespace,
    name: sts.metadata?.name ?? '',
    ...(sts.metadata?.uid !== undefined ? { uid: sts.metadata.uid } : {}),
    ...(validation.policy !== undefined ? { policy: validation.policy } : {}),
    results: [],
  };
  const unselected = validation.findings.filter((f) => f.rule === undefined);
  if (validation.policy === undefined) {
    audit.results.push({ check: 'policy', outcome: 'fail', message: unselected.map(describeFinding).join('\n') });
    return audit;
  }
  audit.results.push({ check: 'policy', outcome: 'pass', message: `governed by policy ${validation.policy}` }, ...ruleResults(validation));
  const policy = policies.find((p) => p.name === validation.policy);
  const budget = policy && known.disruptionBudgets ? disruptionBudgetResult(sts, policy.disruptionBudget, known.disruptionBudgets) : undefined;
  if (budget) audit.results.push({ check: 'disruptionBudget', ...budget });
  if (isDenied(validation))
    audit.results.push({ check: 'wiring', outcome: 'skip', message: 'not checked: the webhook injects nothing into a StatefulSet it refuses' });
  else
    audit.results.push(
      wiringResult(
        sts,
        decideAdmission('mutate', request, { policies, ...(known.configMaps === undefined ? {} : { configMaps: known.configMaps }) }),
      ),
    );
  return audit;
}
