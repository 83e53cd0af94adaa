import type { AdmissionDecision } from '../admission/admissionDecision.js';
import type { AdmissionReview } from '../admission/admissionReview.js';
import { decideAdmission, readsFor, type Endpoint, type ReviewContext } from '../admission/reviewAdmission.js';
import { errorMessage } from '../errorMessage.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import type { ClusterReads } from './clusterReads.js';
import { log } from './log.js';

/** A decoded AdmissionReview in, the core's decision out: the type every HTTP wrapper wraps; the route answers it. */
export type AdmissionHandler = (review: AdmissionReview) => Promise<AdmissionDecision>;

/**
 * The pure core plus the reads it asks for (`readsFor`). A Scale carries no labels, so the parent
 * StatefulSet is read from the API (kubernetes/kubernetes#113594): a failed read rejects, which the HTTP
 * layer answers with 500 so the webhook's failurePolicy decides. The governing Service only refines the
 * verdict: when it cannot be read, the check is left out and the failure logged.
 */
export function admissionHandler(endpoint: Endpoint, policies: () => readonly EffectivePolicy[], cluster: ClusterReads): AdmissionHandler {
  return async (review) => {
    const request = review.request!;
    const reads = readsFor(endpoint, request);
    const context: ReviewContext = { policies: policies() };
    if (reads.parent) {
      const parent = await cluster.statefulSet(reads.parent.namespace, reads.parent.name);
      if (parent) context.parent = parent;
    }
    if (reads.service && cluster.service) {
      const { namespace, name } = reads.service;
      await cluster.service(namespace, name).then(
        (service) => (context.service = service ?? null),
        (error: unknown) =>
          log('warn', 'governing Service not read; its check is left out', {
            uid: request.uid,
            service: `${namespace}/${name}`,
            error: errorMessage(error),
          }),
      );
    }
    return decideAdmission(endpoint, request, context);
  };
}
