import { decideAdmission } from '../../core/admission/reviewAdmission.js';
import { defaultPolicy } from '../../core/policy/defaultPolicy.js';
import type { EffectivePolicy } from '../../core/policy/replicationPolicy.js';
import { answerBody, bodyLimitBytes, endpointOf, notFound, refuseByHeaders, type ExchangeAnswer } from './admissionExchange.js';

/** What a function host is given: the policies (bundled at build time; default: the built-in one) and the body limit. */
export interface HostOptions {
  policies?: readonly EffectivePolicy[];
  bodyLimitBytes?: number;
  /** Told of a review the core failed on (answered 500), for the host's log. */
  onError?: (uid: string, error: unknown) => void;
}

/** One HTTP request as a function host sees it, the body read in full. */
export interface HostedRequest {
  method: string;
  path: string;
  header(name: string): string | undefined;
  body(): Promise<string | Uint8Array>;
}

/**
 * The routes a function host serves, over the shared exchange: POST /mutate and /validate, and GET
 * /healthz and /readyz (always ready: there is nothing to load). A function host has no cluster access,
 * so the scale of a StatefulSet (whose Scale carries no labels) is answered as not ours: leave the
 * `statefulsets/scale` rule to the in-cluster webhook, or to the ValidatingAdmissionPolicy it can export.
 */
export async function answerHosted(request: HostedRequest, options: HostOptions): Promise<ExchangeAnswer> {
  const policies = options.policies ?? [defaultPolicy];
  const limitBytes = options.bodyLimitBytes ?? bodyLimitBytes;
  const endpoint = endpointOf(request.path);
  const bare = request.path.split('?')[0].replace(/\/+$/, '').toLowerCase();
  if (request.method === 'GET' && (bare === '/healthz' || bare === '/readyz')) return { status: 200, body: JSON.stringify({ status: 'ok' }) };
  if (request.method !== 'POST' || endpoint === undefined) return notFound();
  const refused = refuseByHeaders(
    {
      contentType: request.header('content-type'),
      contentEncoding: request.header('content-encoding'),
      contentLength: request.header('content-length'),
    },
    limitBytes,
  );
  if (refused) return refused;
  return answerBody(await request.body(), (review) => Promise.resolve(decideAdmission(endpoint, review.request!, { policies })), {
    limitBytes,
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
