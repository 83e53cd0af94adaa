// The library surface: the pure admission core, usable from any function runtime.
export { decideAdmission, reviewAdmission, type Endpoint, type ReviewContext } from './core/admission/reviewAdmission.js';
export { createFetchHandler } from './edges/hosting/fetchHandler.js';
export { createLambdaHandler, type LambdaHttpEvent, type LambdaHttpResult } from './edges/hosting/lambdaHandler.js';
export type { HostOptions } from './edges/hosting/hostedAdmission.js';
export { decodeAdmissionReview } from './core/admission/decodeAdmissionReview.js';
export type { AdmissionReview, AdmissionRequest, AdmissionResponse } from './wire/admissionReview.js';
export { defaultPolicy } from './core/policy/defaultPolicy.js';
export { effectivePolicy } from './core/policy/effectivePolicy.js';
export { validatePolicyDocument } from './core/policy/validatePolicyDocument.js';
export { policySet } from './core/policy/policySet.js';
export type { ReplicationPolicy, EffectivePolicy } from './core/policy/replicationPolicy.js';
