import type { V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch, { type Operation as PatchOperation } from 'fast-json-patch';
import type { AdmissionRequest } from '../../wire/admissionReview.js';
import { denialMessage, warningTexts } from '../../core/admission/admissionResponse.js';
import { decideAdmission, type ClusterObjects } from '../../core/admission/reviewAdmission.js';
import type { EffectivePolicy } from '../../core/policy/replicationPolicy.js';

/** What the API server would make of a StatefulSet, as far as this webhook decides it. */
export interface Admission {
  allowed: boolean;
  /** The denial as `kubectl apply` would print it after "denied the request:". */
  message?: string;
  /** Warnings of both webhooks, mutating first, as kubectl prints them. */
  warnings: string[];
  /** The mutating webhook's JSON Patch; empty when it changes nothing. */
  patch: PatchOperation[];
}

function createRequest(sts: V1StatefulSet, namespace: string): AdmissionRequest {
  const name = sts.metadata?.name;
  return {
    uid: `check:${namespace}/${name ?? ''}`,
    kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
    resource: { group: 'apps', version: 'v1', resource: 'statefulsets' },
    ...(name !== undefined ? { name } : {}),
    namespace,
    operation: 'CREATE',
    object: sts,
    dryRun: true,
  };
}

/**
 * A CREATE as the API server runs it: the mutating webhook, its patch applied, then the validating
 * webhook on the mutated object. The same core answers both calls, so this verdict is the cluster's.
 * The object's namespace is filled in first, as the API server does before admission. `known` is what the
 * cluster would hold around it (see ClusterObjects): the validating webhook reads all of it, the mutating
 * one the ConfigMaps (a config file's port shapes the wiring).
 */
export function admitStatefulSet(sts: V1StatefulSet, namespace: string, policies: readonly EffectivePolicy[], known: ClusterObjects = {}): Admission {
  const submitted: V1StatefulSet = { ...sts, metadata: { ...sts.metadata, namespace } };
  const read = known.configMaps === undefined ? {} : { configMaps: known.configMaps };
  const mutation = decideAdmission('mutate', createRequest(submitted, namespace), { policies, ...read });
  const warnings = warningTexts(mutation);
  const refusal = denialMessage(mutation);
  if (refusal !== undefined) return { allowed: false, message: refusal, warnings, patch: [] };
  const mutated = fastJsonPatch.applyPatch(structuredClone(submitted), mutation.patch, true, false).newDocument;
  const validation = decideAdmission('validate', createRequest(mutated, namespace), { ...known, policies });
  warnings.push(...warningTexts(validation));
  const message = denialMessage(validation);
  return { allowed: message === undefined, ...(message === undefined ? {} : { message }), warnings, patch: mutation.patch };
}
