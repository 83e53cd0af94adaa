import type { AdmissionDecision } from '../../core/admission/admissionDecision.js';
import type { AdmissionReview } from '../../wire/admissionReview.js';
import { admissionResponse } from '../../core/admission/admissionResponse.js';
import { decodeAdmissionReview } from '../../core/admission/decodeAdmissionReview.js';
import { errorMessage } from '../../wire/errorMessage.js';

// One admission request as every host answers it, the HTTPS server and the function runtimes alike:
// what is accepted (headers, size), how the body is read (JSON, a review with a request), the core's
// decision, and the answer or the error, as a status and a JSON body. Hosts only move bytes.

/** Kubernetes objects are at most ~1.5 MiB (etcd's limit); a review carries object and oldObject. */
export const bodyLimitBytes = 4 * 1024 * 1024;

/** The answer to one request: its status and JSON body, byte for byte what every host sends. */
export interface ExchangeAnswer {
  status: number;
  body: string;
}

/** A decoded AdmissionReview in, the core's decision out. */
export type AdmissionHandler = (review: AdmissionReview) => Promise<AdmissionDecision>;

export const jsonContentType = 'application/json; charset=utf-8';

function failure(status: number, error: string): ExchangeAnswer {
  return { status, body: JSON.stringify({ error }) };
}

/**
 * The request's headers, before its body is read: `application/json` in UTF-8, uncompressed (so no small
 * body inflates into a large one), at most `limitBytes` by Content-Length. Undefined when acceptable.
 */
export function refuseByHeaders(
  headers: { contentType?: string | undefined; contentEncoding?: string | undefined; contentLength?: string | undefined },
  limitBytes = bodyLimitBytes,
): ExchangeAnswer | undefined {
  const { contentType, contentEncoding, contentLength } = headers;
  const [mediaType, ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return failure(415, `content-type: found ${contentType ?? 'none'}; expected application/json`);
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replaceAll('"', '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return failure(415, `content-type: found charset ${charset}; expected utf-8`);
  if (contentEncoding !== undefined && contentEncoding.toLowerCase() !== 'identity') {
    return failure(415, `content-encoding: found ${contentEncoding}; expected none (an uncompressed body)`);
  }
  if (Number(contentLength) > limitBytes) return tooLarge(limitBytes);
  return undefined;
}

export function tooLarge(limitBytes = bodyLimitBytes): ExchangeAnswer {
  return failure(413, `body: larger than the limit of ${limitBytes} bytes`);
}

/**
 * The body, read in full, to the answer: parsed as JSON, checked to be an AdmissionReview with a request,
 * decided by `handler`, answered with the same uid. Never throws: a failure of the handler is a 500 with
 * its reason (the webhook configuration's failurePolicy then decides), reported to `onError`.
 */
export async function answerBody(
  body: string | Uint8Array,
  handler: AdmissionHandler,
  options: { limitBytes?: number; onError?: (uid: string, error: unknown) => void } = {},
): Promise<ExchangeAnswer> {
  const limitBytes = options.limitBytes ?? bodyLimitBytes;
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (bytes > limitBytes) return tooLarge(limitBytes);
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    return failure(400, `body: not valid JSON (${errorMessage(error)})`);
  }
  const decoded = decodeAdmissionReview(value);
  if (!decoded.ok) return failure(400, decoded.error);
  const uid = decoded.review.request!.uid;
  try {
    const decision = await handler(decoded.review);
    return {
      status: 200,
      body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: admissionResponse(uid, decision) }),
    };
  } catch (error) {
    options.onError?.(uid, error);
    return failure(500, `admission failed: ${errorMessage(error)}`);
  }
}

/** Which admission endpoint a path names (`/mutate`, `/validate/`, with or without a query), if any. */
export function endpointOf(path: string): 'mutate' | 'validate' | undefined {
  const bare = path.split('?')[0].replace(/\/+$/, '').toLowerCase();
  return bare === '/mutate' ? 'mutate' : bare === '/validate' ? 'validate' : undefined;
}

/** The answer for a path that is not an admission route, nor a probe: the routes there are. */
export function notFound(): ExchangeAnswer {
  return failure(404, 'not found: POST /mutate, POST /validate, GET /healthz, GET /readyz');
}
