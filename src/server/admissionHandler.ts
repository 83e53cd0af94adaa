import type { AdmissionReview } from '../admission/admissionReview.js';
import { isStatefulSetScale, reviewAdmission, type Endpoint } from '../admission/reviewAdmission.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import type { StatefulSetLookup } from './statefulSetLookup.js';

/** A decoded AdmissionReview in, the answer out: the type every HTTP wrapper wraps. */
export type AdmissionHandler = (review: AdmissionReview) => Promise<AdmissionReview>;

/**
 * The pure core plus the one piece of I/O it cannot do itself: a Scale carries no labels, so the parent
 * StatefulSet is read from the API (kubernetes/kubernetes#113594). A failed read rejects, which the HTTP
 * layer answers with 500 so the webhook's failurePolicy decides.
 */
export function admissionHandler(endpoint: Endpoint, policies: () => readonly EffectivePolicy[], lookup: StatefulSetLookup): AdmissionHandler {
  return async (review) => {
    const request = review.request!;
    const parent =
      endpoint === 'validate' && isStatefulSetScale(request) && request.name !== undefined
        ? await lookup(request.namespace ?? 'default', request.name)
        : undefined;
    return reviewAdmission(endpoint, review, { policies: policies(), ...(parent ? { parent } : {}) });
  };
}
