import type { AdmissionReview } from '../../wire/admissionReview.js';
import { nestedWithin } from './nestingDepth.js';
import { isRecord } from '../../wire/isRecord.js';

export type Decoded = { ok: true; review: AdmissionReview } | { ok: false; error: string };

const operations = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

/**
 * Kubernetes objects nest a few dozen levels at most. The core copies and serializes parts of the
 * object recursively, so a request nested deep enough to overflow the stack is refused here instead.
 */
const maxNesting = 100;

/**
 * Checks that an already-parsed JSON body is an admission.k8s.io/v1 AdmissionReview carrying a request
 * we can answer. Anything else gets an error a human can act on; nothing here throws.
 */
export function decodeAdmissionReview(body: unknown): Decoded {
  if (!isRecord(body)) return { ok: false, error: 'body: found ' + describe(body) + '; expected an AdmissionReview object' };
  if (body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview') {
    return {
      ok: false,
      error: `apiVersion/kind: found ${String(body.apiVersion)}/${String(body.kind)}; expected admission.k8s.io/v1/AdmissionReview`,
    };
  }
  const request = body.request;
  if (!isRecord(request)) return { ok: false, error: 'request: missing; an AdmissionReview sent to a webhook carries a request' };
  if (typeof request.uid !== 'string' || request.uid === '') return { ok: false, error: 'request.uid: missing or not a string' };
  if (!nestedWithin(request, maxNesting))
    return { ok: false, error: `request: nested more than ${maxNesting} levels deep; a Kubernetes object is far shallower` };
  if (typeof request.operation !== 'string' || !operations.has(request.operation)) {
    return { ok: false, error: `request.operation: found ${describe(request.operation)}; expected CREATE, UPDATE, DELETE or CONNECT` };
  }
  if (!isRecord(request.kind) || typeof request.kind.kind !== 'string') {
    return { ok: false, error: 'request.kind: missing; expected {group, version, kind}' };
  }
  if (!isRecord(request.resource) || typeof request.resource.resource !== 'string') {
    return { ok: false, error: 'request.resource: missing; expected {group, version, resource}' };
  }
  for (const field of ['name', 'namespace', 'subResource'] as const) {
    if (request[field] !== undefined && typeof request[field] !== 'string')
      return { ok: false, error: `request.${field}: found ${describe(request[field])}; expected a string` };
  }
  for (const field of ['object', 'oldObject'] as const) {
    const value = request[field];
    if (value !== undefined && value !== null && !isRecord(value)) {
      return { ok: false, error: `request.${field}: found ${describe(value)}; expected an object or null` };
    }
  }
  return { ok: true, review: body as unknown as AdmissionReview };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value).slice(0, 60) : typeof value;
}
