import { isDenied } from '../../core/admission/admissionDecision.js';
import type { AdmissionHandler } from '../hosting/admissionExchange.js';
import { log } from '../telemetry/log.js';

/** One log line per admission: uid, what was asked and the verdict; never the object, which may carry secrets. */
export function withLogging(endpoint: string, next: AdmissionHandler): AdmissionHandler {
  return async (review) => {
    const started = process.hrtime.bigint();
    const request = review.request!;
    const decision = await next(review);
    log('info', 'admission', {
      endpoint,
      uid: request.uid,
      operation: request.operation,
      resource: request.resource.resource + (request.subResource ? '/' + request.subResource : ''),
      namespace: request.namespace,
      name: request.name,
      allowed: !isDenied(decision),
      patched: !isDenied(decision) && decision.patch.length > 0,
      warnings: decision.findings.filter((f) => f.enforcement === 'warn').length,
      micros: Number((process.hrtime.bigint() - started) / 1000n),
    });
    return decision;
  };
}
