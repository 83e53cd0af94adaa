// The library surface: the pure admission core, usable from any function runtime.
export { decideAdmission, reviewAdmission, type Endpoint, type ReviewContext } from './admission/reviewAdmission.js';
export { createFetchHandler } from './hosting/fetchHandler.js';
export { createLambdaHandler, type LambdaHttpEvent, type LambdaHttpResult } from './hosting/lambdaHandler.js';
export type { HostOptions } from './hosting/hostedAdmission.js';
export { decodeAdmissionReview } from './admission/decodeAdmissionReview.js';
export type { AdmissionReview, AdmissionRequest, AdmissionResponse } from './admission/admissionReview.js';
export { defaultPolicy } from './policy/defaultPolicy.js';
export { effectivePolicy } from './policy/effectivePolicy.js';
export { validatePolicyDocument } from './policy/validatePolicyDocument.js';
export { policySet } from './policy/policySet.js';
export type { ReplicationPolicy, EffectivePolicy } from './policy/replicationPolicy.js';
