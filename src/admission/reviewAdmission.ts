import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';
import type { AdmissionRequest, AdmissionResponse, AdmissionReview } from './admissionReview.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { replicationPolicyResource } from '../policy/replicationPolicyResource.js';
import { selectPolicy } from '../policy/selectPolicy.js';
import { validatePolicyDocument } from '../policy/validatePolicyDocument.js';
import { mutateStatefulSet } from './mutateStatefulSet.js';
import { validateStatefulSet } from './validateStatefulSet.js';
import { enabledLabel } from '../rules/replicationNames.js';
import { replicas } from '../rules/validateReplicas.js';
import { redisSetup } from '../rules/redisSetup.js';

export type Endpoint = 'mutate' | 'validate';

export interface ReviewContext {
  policies: readonly EffectivePolicy[];
  /** For a `statefulsets/scale` request: the StatefulSet being scaled, read by the caller (a Scale carries no labels). */
  parent?: V1StatefulSet;
  /** For a StatefulSet write: its governing Service (spec.serviceName), read by the caller; null when there is none. */
  service?: V1Service | null;
}

/** Whether the request is `kubectl scale` (or an HPA) on a StatefulSet: the only way to change replicas without labels in sight. */
export function isStatefulSetScale(request: AdmissionRequest): boolean {
  return request.resource.group === 'apps' && request.resource.resource === 'statefulsets' && request.subResource === 'scale';
}

/** A CREATE or UPDATE of the resource itself (not a subresource): the writes that carry a whole object. */
function isObjectWrite(request: AdmissionRequest, group: string, resource: string): boolean {
  return (
    request.resource.group === group &&
    request.resource.resource === resource &&
    (request.subResource ?? '') === '' &&
    (request.operation === 'CREATE' || request.operation === 'UPDATE')
  );
}

/** An object the core would like read from the cluster, by namespace and name. */
export interface ObjectKey {
  namespace: string;
  name: string;
}

/**
 * What the core needs read from the cluster to decide `request` (it does no I/O itself): the parent of
 * a StatefulSet scale, and the governing Service of a labeled StatefulSet being validated.
 */
export function readsFor(endpoint: Endpoint, request: AdmissionRequest): { parent?: ObjectKey; service?: ObjectKey } {
  if (endpoint !== 'validate') return {};
  const namespace = request.namespace ?? 'default';
  if (isStatefulSetScale(request)) return request.name === undefined ? {} : { parent: { namespace, name: request.name } };
  const sts = request.object as V1StatefulSet | undefined;
  const service = sts?.spec?.serviceName;
  if (!isObjectWrite(request, 'apps', 'statefulsets') || !isReplicationEnabled(sts) || typeof service !== 'string' || service === '') return {};
  return { service: { namespace, name: service } };
}

export function isReplicationEnabled(sts: V1StatefulSet | undefined | null): boolean {
  return sts?.metadata?.labels?.[enabledLabel.key] === enabledLabel.value;
}

/**
 * The whole admission decision, with no I/O: an AdmissionReview and the policies in, the answering
 * AdmissionReview out. The HTTPS server, the CLI and any function runtime call this same function.
 */
export function reviewAdmission(endpoint: Endpoint, review: AdmissionReview, context: ReviewContext): AdmissionReview {
  const request = review.request;
  if (!request) throw new TypeError('reviewAdmission needs a decoded AdmissionReview with a request');
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: request.uid, ...decide(endpoint, request, context) } };
}

type Decision = Omit<AdmissionResponse, 'uid'>;

function decide(endpoint: Endpoint, request: AdmissionRequest, context: ReviewContext): Decision {
  const namespace = request.namespace ?? 'default';
  if (isStatefulSetScale(request)) return endpoint === 'validate' ? decideScale(request, namespace, context) : { allowed: true };
  // A ReplicationPolicy being written is checked like a policy file, so a bad one never reaches the cluster.
  if (isObjectWrite(request, replicationPolicyResource.group, replicationPolicyResource.plural)) return endpoint === 'validate' ? decidePolicy(request) : { allowed: true };
  const sts = request.object as V1StatefulSet | undefined;
  if (!isObjectWrite(request, 'apps', 'statefulsets') || !isReplicationEnabled(sts) || !sts) return { allowed: true };
  const selection = selectPolicy(context.policies, namespace, sts.metadata?.annotations);
  if (!selection.ok) return endpoint === 'mutate' ? { allowed: true, warnings: [selection.error] } : deny(sts, namespace, [selection.error]);
  const ruleContext = {
    policy: selection.policy,
    namespace,
    operation: request.operation,
    setup: redisSetup(sts, selection.policy),
    ...(context.service === undefined ? {} : { service: context.service }),
  };
  if (endpoint === 'mutate') {
    // What will be refused is left as the user wrote it: the validating webhook then names their own
    // fields (wiring the start would move their arguments), and nothing is injected into a refused object.
    if (validateStatefulSet(sts, ruleContext).some((v) => v.enforcement === 'deny')) return { allowed: true };
    const patch = mutateStatefulSet(sts, request.oldObject as V1StatefulSet | undefined, ruleContext);
    return patch.length === 0 ? { allowed: true } : { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') };
  }
  return verdict(sts, namespace, validateStatefulSet(sts, ruleContext));
}

function decideScale(request: AdmissionRequest, namespace: string, context: ReviewContext): Decision {
  const parent = context.parent;
  // A parent that is gone, or not ours, has nothing to check.
  if (!parent || !isReplicationEnabled(parent) || request.operation !== 'UPDATE') return { allowed: true };
  const scale = request.object as { spec?: { replicas?: number } } | undefined;
  const selection = selectPolicy(context.policies, namespace, parent.metadata?.annotations);
  if (!selection.ok) return deny(parent, namespace, [selection.error]);
  const scaled: V1StatefulSet = { ...parent, spec: { ...parent.spec!, replicas: scale?.spec?.replicas ?? 0 } };
  const ruleContext = { policy: selection.policy, namespace, operation: request.operation, setup: redisSetup(scaled, selection.policy) };
  const found = replicas.validate(scaled, ruleContext).map((v) => ({ ...v, rule: replicas.name, enforcement: selection.policy.rules.replicas }));
  return verdict(parent, namespace, found);
}

/** The same checks and messages as a policy file gets (validatePolicyDocument), every error at once. */
function decidePolicy(request: AdmissionRequest): Decision {
  const check = validatePolicyDocument(request.object);
  if (check.ok) return { allowed: true };
  const name = request.name ?? (request.object as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? '(unnamed)';
  return {
    allowed: false,
    status: { code: 403, reason: 'Forbidden', message: `${replicationPolicyResource.kind} ${name} is not a valid policy:\n- ${check.errors.join('\n- ')}` },
  };
}

export interface RuleViolation {
  field: string;
  found: string;
  allowed: string;
  rule: string;
  enforcement: 'deny' | 'warn';
}

export function describeViolation(v: RuleViolation): string {
  return `${v.field}: found ${v.found}; allowed ${v.allowed} [rule ${v.rule}${v.enforcement === 'warn' ? ', warn' : ''}]`;
}

function verdict(sts: V1StatefulSet, namespace: string, violations: RuleViolation[]): Decision {
  const denials = violations.filter((v) => v.enforcement === 'deny').map(describeViolation);
  const warnings = violations.filter((v) => v.enforcement === 'warn').map(describeViolation);
  const decision = denials.length > 0 ? deny(sts, namespace, denials) : { allowed: true };
  return warnings.length > 0 ? { ...decision, warnings } : decision;
}

function deny(sts: V1StatefulSet, namespace: string, reasons: string[]): Decision {
  const name = sts.metadata?.name ?? sts.metadata?.generateName ?? '(unnamed)';
  return {
    allowed: false,
    status: { code: 403, reason: 'Forbidden', message: `StatefulSet ${namespace}/${name} is not a valid Redis replication group:\n- ${reasons.join('\n- ')}` },
  };
}
