import type { V1PodDisruptionBudget, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import type { AdmissionRequest, AdmissionReview } from '../../wire/admissionReview.js';
import { notOurs, type AdmissionDecision, type Subject } from './admissionDecision.js';
import { admissionResponse } from './admissionResponse.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { replicationPolicyResource } from '../policy/replicationPolicyResource.js';
import { selectPolicy } from '../policy/selectPolicy.js';
import { validatePolicyDocument } from '../policy/validatePolicyDocument.js';
import { mutateStatefulSet } from './mutateStatefulSet.js';
import { validateStatefulSet } from './validateStatefulSet.js';
import { enabledLabel } from '../../wire/replicationNames.js';
import { replicas } from '../rules/validateReplicas.js';
import { redisSetup } from '../rules/redisSetup.js';
import { configMapsToRead, type ConfigMaps } from '../rules/configFileEntries.js';

export type Endpoint = 'mutate' | 'validate';

/** What the caller knows of the cluster around a StatefulSet; each absent when not looked up, then not checked. */
export interface ClusterObjects {
  /** Its governing Service (spec.serviceName), read by the caller; null when there is none. */
  service?: V1Service | null;
  /**
   * The ConfigMaps its Redis container mounts (`readsFor`), read by the caller, by
   * name; null for one that does not exist. One left out was not read: the user's config file is checked
   * only as far as the ConfigMaps given hold it.
   */
  configMaps?: ConfigMaps;
  /**
   * The PodDisruptionBudgets of its namespace, for the audit's and check's `disruptionBudget` result; no
   * admission rule reads them (a budget may come after the StatefulSet in the same apply).
   */
  disruptionBudgets?: readonly V1PodDisruptionBudget[];
}

export interface ReviewContext extends ClusterObjects {
  policies: readonly EffectivePolicy[];
  /** For a `statefulsets/scale` request: the StatefulSet being scaled, read by the caller (a Scale carries no labels). */
  parent?: V1StatefulSet;
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

/** What the core asks the caller to read for one request; see `readsFor`. */
export interface Reads {
  parent?: ObjectKey;
  service?: ObjectKey;
  /** All in the StatefulSet's namespace: a pod mounts ConfigMaps of its own namespace only. */
  configMaps?: { namespace: string; names: string[] };
}

/**
 * What the core needs read from the cluster to decide `request` (it does no I/O itself): the parent of
 * a StatefulSet scale; the governing Service of a labeled StatefulSet being validated; and, on both
 * endpoints, the ConfigMaps its Redis container mounts when its start names a config file (the file's
 * `port` shapes the mutation, its other lines the validation). The answers go into `ReviewContext`.
 */
export function readsFor(endpoint: Endpoint, request: AdmissionRequest): Reads {
  const namespace = request.namespace ?? 'default';
  if (isStatefulSetScale(request)) return endpoint === 'validate' && request.name !== undefined ? { parent: { namespace, name: request.name } } : {};
  const sts = request.object as V1StatefulSet | undefined;
  if (!isObjectWrite(request, 'apps', 'statefulsets') || !isReplicationEnabled(sts) || !sts) return {};
  const service = sts.spec?.serviceName;
  const names = configMapsToRead(sts);
  return {
    ...(endpoint === 'validate' && typeof service === 'string' && service !== '' ? { service: { namespace, name: service } } : {}),
    ...(names.length > 0 ? { configMaps: { namespace, names } } : {}),
  };
}

export function isReplicationEnabled(sts: V1StatefulSet | undefined | null): boolean {
  return sts?.metadata?.labels?.[enabledLabel.key] === enabledLabel.value;
}

/**
 * The whole admission decision, with no I/O, as data: the request and the policies (and what the caller
 * read for it, see `readsFor`) in, the patch and the findings out.
 */
export function decideAdmission(endpoint: Endpoint, request: AdmissionRequest, context: ReviewContext): AdmissionDecision {
  const namespace = request.namespace ?? 'default';
  if (isStatefulSetScale(request)) return endpoint === 'validate' ? decideScale(request, namespace, context) : notOurs;
  // A ReplicationPolicy being written is checked like a policy file, so a bad one never reaches the cluster.
  if (isObjectWrite(request, replicationPolicyResource.group, replicationPolicyResource.plural))
    return endpoint === 'validate' ? decidePolicy(request) : notOurs;
  const sts = request.object as V1StatefulSet | undefined;
  if (!isObjectWrite(request, 'apps', 'statefulsets') || !isReplicationEnabled(sts) || !sts) return notOurs;
  const subject = statefulSetSubject(sts, namespace);
  const selection = selectPolicy(context.policies, namespace, sts.metadata?.annotations);
  if (!selection.ok) return { subject, patch: [], findings: [{ enforcement: endpoint === 'mutate' ? 'warn' : 'deny', message: selection.error }] };
  const ruleContext = {
    policy: selection.policy,
    namespace,
    operation: request.operation,
    setup: redisSetup(sts, selection.policy, context.configMaps),
    ...(context.service === undefined ? {} : { service: context.service }),
  };
  const findings = validateStatefulSet(sts, ruleContext);
  const policy = selection.policy.name;
  if (endpoint === 'validate') return { subject, policy, patch: [], findings };
  // What will be refused is left as the user wrote it: the validating webhook then names their own
  // fields (wiring the start would move their arguments), and nothing is injected into a refused object.
  // Findings are the validating webhook's to report, once.
  if (findings.some((f) => f.enforcement === 'deny')) return { subject, policy, patch: [], findings: [] };
  return { subject, policy, patch: mutateStatefulSet(sts, request.oldObject as V1StatefulSet | undefined, ruleContext), findings: [] };
}

/**
 * The AdmissionReview answering `review`: `decideAdmission` and its one response. The HTTPS server,
 * `check` and any function runtime answer through this same core.
 */
export function reviewAdmission(endpoint: Endpoint, review: AdmissionReview, context: ReviewContext): AdmissionReview {
  const request = review.request;
  if (!request) throw new TypeError('reviewAdmission needs a decoded AdmissionReview with a request');
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: admissionResponse(request.uid, decideAdmission(endpoint, request, context)),
  };
}

function statefulSetSubject(sts: V1StatefulSet, namespace: string): Subject {
  return { kind: 'StatefulSet', name: `${namespace}/${sts.metadata?.name ?? sts.metadata?.generateName ?? '(unnamed)'}` };
}

function decideScale(request: AdmissionRequest, namespace: string, context: ReviewContext): AdmissionDecision {
  const parent = context.parent;
  // A parent that is gone, or not ours, has nothing to check.
  if (!parent || !isReplicationEnabled(parent) || request.operation !== 'UPDATE') return notOurs;
  const subject = statefulSetSubject(parent, namespace);
  const scale = request.object as { spec?: { replicas?: number } } | undefined;
  const selection = selectPolicy(context.policies, namespace, parent.metadata?.annotations);
  if (!selection.ok) return { subject, patch: [], findings: [{ enforcement: 'deny', message: selection.error }] };
  const scaled: V1StatefulSet = { ...parent, spec: { ...parent.spec!, replicas: scale?.spec?.replicas ?? 0 } };
  const ruleContext = { policy: selection.policy, namespace, operation: request.operation, setup: redisSetup(scaled, selection.policy) };
  return { subject, policy: selection.policy.name, patch: [], findings: validateStatefulSet(scaled, ruleContext, [replicas]) };
}

/** The same checks and messages as a policy file gets (validatePolicyDocument), every error at once. */
function decidePolicy(request: AdmissionRequest): AdmissionDecision {
  const check = validatePolicyDocument(request.object);
  const name = request.name ?? (request.object as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? '(unnamed)';
  return {
    subject: { kind: 'ReplicationPolicy', name },
    patch: [],
    findings: check.ok ? [] : check.errors.map((message) => ({ enforcement: 'deny' as const, message })),
  };
}
