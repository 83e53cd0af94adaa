import { isDenied, type AdmissionDecision } from '../admission/admissionDecision.js';
import type { AdmissionReview } from '../admission/admissionReview.js';
import { decideAdmission, readsFor, type Endpoint, type ReviewContext } from '../admission/reviewAdmission.js';
import { errorMessage } from '../errorMessage.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import type { ClusterReads } from './clusterReads.js';
import type { LabeledStatefulSets } from './labeledStatefulSets.js';
import { log } from './log.js';

/** A decoded AdmissionReview in, the core's decision out: the type every HTTP wrapper wraps; the route answers it. */
export type AdmissionHandler = (review: AdmissionReview) => Promise<AdmissionDecision>;

/**
 * The pure core plus the reads it asks for (`readsFor`). A Scale carries no labels, so the parent
 * StatefulSet is looked up: among the watched labeled ones when that watch is in sync, else read from the
 * API (kubernetes/kubernetes#113594), where a failed read rejects, which the HTTP layer answers with 500
 * so the webhook's failurePolicy decides. The governing Service only refines the
 * verdict: when it cannot be read, the check is left out and the failure logged.
 */
export function admissionHandler(
  endpoint: Endpoint,
  policies: () => readonly EffectivePolicy[],
  cluster: ClusterReads,
  labeled?: LabeledStatefulSets,
): AdmissionHandler {
  return async (review) => {
    const request = review.request!;
    const reads = readsFor(endpoint, request);
    const context: ReviewContext = { policies: policies() };
    if (reads.parent) {
      const { namespace, name } = reads.parent;
      // The watched labeled StatefulSets answer without a round trip: a StatefulSet not among them is not ours.
      const cached = labeled?.lookup(namespace, name);
      if (cached?.known) {
        const decision = decideAdmission(endpoint, request, cached.statefulSet ? { ...context, parent: cached.statefulSet } : context);
        // The watch may be a moment behind: a denial is confirmed with the API's own copy.
        if (!isDenied(decision)) return decision;
      }
      const parent = await cluster.statefulSet(namespace, name);
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
