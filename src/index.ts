// The library surface: the pure admission core, usable from any function runtime.
export { reviewAdmission, type Endpoint, type ReviewContext } from './admission/reviewAdmission.js';
export { decodeAdmissionReview } from './admission/decodeAdmissionReview.js';
export type { AdmissionReview, AdmissionRequest, AdmissionResponse } from './admission/admissionReview.js';
export { defaultPolicy } from './policy/defaultPolicy.js';
export { effectivePolicy } from './policy/effectivePolicy.js';
export { validatePolicyDocument } from './policy/validatePolicyDocument.js';
export { policySet } from './policy/policySet.js';
export type { ReplicationPolicy, EffectivePolicy } from './policy/replicationPolicy.js';
