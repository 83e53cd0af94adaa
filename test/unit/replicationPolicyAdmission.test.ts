// The webhook's check of ReplicationPolicy objects themselves: the same checks and messages as a
// policy file, so a broken policy is refused at `kubectl apply` time.
import type { AdmissionReview, Operation } from '../../src/wire/admissionReview.js';
import { reviewAdmission } from '../../src/core/admission/reviewAdmission.js';
import { defaultPolicy } from '../../src/core/policy/defaultPolicy.js';
import { parsePolicies } from '../../src/core/policy/parsePolicies.js';
import { policyObject } from '../fixtures/policyObject.js';

/** As the API server sends it: the metadata it adds is no reason to refuse. */
const storedPolicy = (spec: Record<string, unknown>, name = 'tight') =>
  policyObject(name, spec, { uid: 'b3f1', resourceVersion: '42', generation: 1, creationTimestamp: '2025-01-01T00:00:00Z', managedFields: [] });

function policyReview(object: unknown, operation: Operation = 'CREATE', subResource?: string): AdmissionReview {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'uid-policy',
      kind: { group: 'redis-replication.io', version: 'v1alpha1', kind: 'ReplicationPolicy' },
      resource: { group: 'redis-replication.io', version: 'v1alpha1', resource: 'replicationpolicies' },
      name: 'tight',
      operation,
      object,
      ...(subResource ? { subResource } : {}),
    },
  };
}

const validate = (review: AdmissionReview) => reviewAdmission('validate', review, { policies: [defaultPolicy] }).response!;

describe('validate: ReplicationPolicy objects', () => {
  test('a valid policy is admitted, on create and on update', () => {
    const object = storedPolicy({ namespaces: ['caches'], replicas: { min: 2, max: 3 } });
    expect(validate(policyReview(object))).toEqual({ uid: 'uid-policy', allowed: true });
    expect(validate(policyReview(object, 'UPDATE'))).toEqual({ uid: 'uid-policy', allowed: true });
  });

  test('a broken policy is refused with 403, listing every error as a policy file gets it', () => {
    const object = storedPolicy({ replicas: { min: 5, max: 3 }, config: { replicaof: 'elsewhere 6379', Bad_Key: 'x' } });
    const response = validate(policyReview(object, 'UPDATE'));
    expect(response.allowed).toBe(false);
    expect(response.status).toMatchObject({ code: 403, reason: 'Forbidden' });
    const message = response.status!.message;
    expect(message.split('\n')).toEqual([
      'ReplicationPolicy tight is not a valid policy:',
      '- spec.replicas: min 5 is greater than max 3',
      '- spec.config.replicaof: the webhook sets the leader itself; remove this key',
      '- spec.config.Bad_Key: not a redis.conf directive name (^[a-z][a-z0-9-]*$)',
    ]);
    // Same words as the file loader's, after its file and document prefix.
    const file = parsePolicies(JSON.stringify(object), 'policies/tight.yaml');
    expect(file.errors.map((e) => e.replace('policies/tight.yaml (document 1): ', ''))).toEqual(
      message
        .split('\n')
        .slice(1)
        .map((l) => l.slice(2)),
    );
  });

  test('schema errors name the field path and what is allowed', () => {
    const response = validate(policyReview(storedPolicy({ antiAffinity: 'sometimes', replicas: { max: 0 } })));
    expect(response.allowed).toBe(false);
    expect(response.status!.message).toContain('- spec.antiAffinity: must be equal to one of the allowed values: preferred, required, none');
    expect(response.status!.message).toContain('- spec.replicas.max: must be >= 1');
  });

  test('mutate, delete and subresources are left alone', () => {
    const broken = storedPolicy({ replicas: { min: 5, max: 3 } });
    expect(reviewAdmission('mutate', policyReview(broken), { policies: [defaultPolicy] }).response).toEqual({ uid: 'uid-policy', allowed: true });
    expect(validate(policyReview(broken, 'DELETE'))).toEqual({ uid: 'uid-policy', allowed: true });
    expect(validate(policyReview(broken, 'UPDATE', 'status'))).toEqual({ uid: 'uid-policy', allowed: true });
  });
});
