import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch, { type Operation as PatchOperation } from 'fast-json-patch';
import type { AdmissionResponse, AdmissionReview } from '../admission/admissionReview.js';
import { reviewAdmission } from '../admission/reviewAdmission.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';

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

function createReview(sts: V1StatefulSet, namespace: string): AdmissionReview {
  const name = sts.metadata?.name;
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `check:${namespace}/${name ?? ''}`,
      kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
      resource: { group: 'apps', version: 'v1', resource: 'statefulsets' },
      ...(name !== undefined ? { name } : {}),
      namespace,
      operation: 'CREATE',
      object: sts,
      dryRun: true,
    },
  };
}

function decodePatch(response: AdmissionResponse): PatchOperation[] {
  return response.patch === undefined ? [] : (JSON.parse(Buffer.from(response.patch, 'base64').toString()) as PatchOperation[]);
}

/**
 * A CREATE as the API server runs it: the mutating webhook, its patch applied, then the validating
 * webhook on the mutated object. The same core answers both calls, so this verdict is the cluster's.
 * The object's namespace is filled in first, as the API server does before admission. `service` is the
 * governing Service as the cluster would hold it (null: none), when known.
 */
export function admitStatefulSet(sts: V1StatefulSet, namespace: string, policies: readonly EffectivePolicy[], service?: V1Service | null): Admission {
  const submitted: V1StatefulSet = { ...sts, metadata: { ...sts.metadata, namespace } };
  const mutation = reviewAdmission('mutate', createReview(submitted, namespace), { policies }).response!;
  const warnings = [...(mutation.warnings ?? [])];
  if (!mutation.allowed) return { allowed: false, ...(mutation.status ? { message: mutation.status.message } : {}), warnings, patch: [] };
  const patch = decodePatch(mutation);
  const mutated = fastJsonPatch.applyPatch(structuredClone(submitted), patch, true, false).newDocument;
  const validation = reviewAdmission('validate', createReview(mutated, namespace), { policies, ...(service === undefined ? {} : { service }) }).response!;
  warnings.push(...(validation.warnings ?? []));
  return { allowed: validation.allowed, ...(validation.status ? { message: validation.status.message } : {}), warnings, patch };
}
