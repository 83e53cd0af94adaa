import fastJsonPatch from 'fast-json-patch';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { reviewAdmission } from '../admission/reviewAdmission.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { sentinelContainerName } from '../../wire/replicationNames.js';
import { admissionReview, patchOf, sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

const sentinel: EffectivePolicy = { ...defaultPolicy, failover: { ...defaultPolicy.failover, mode: 'sentinel' } };

function mutated(sts: V1StatefulSet, policy: EffectivePolicy, old?: V1StatefulSet): V1StatefulSet {
  const review = admissionReview(sts, old ? { operation: 'UPDATE', oldObject: old } : {});
  return fastJsonPatch.applyPatch(structuredClone(sts), patchOf(reviewAdmission('mutate', review, { policies: [policy] })), true, false).newDocument;
}

const names = (sts: V1StatefulSet) => sts.spec!.template.spec!.containers.map((c) => c.name);

test('the Sentinel container comes with failover.mode sentinel, keeps what the API server defaulted, and goes when the policy drops it', () => {
  const stored = mutated(sampleStatefulSet(), sentinel);
  expect(names(stored)).toEqual(['redis', sentinelContainerName]);
  // The API server defaults fields on it; a later update keeps them and changes nothing else.
  stored.spec!.template.spec!.containers[1].terminationMessagePath = '/dev/termination-log';
  const touched = structuredClone(stored);
  touched.spec!.template.metadata!.annotations = { restartedAt: 'now' };
  const updated = mutated(touched, sentinel, stored);
  expect(updated.spec!.template.spec!.containers[1]).toEqual(stored.spec!.template.spec!.containers[1]);
  // The policy back to none: refused while pods start all at once (the field is immutable); recreated
  // with OrderedReady, the next template change removes the Sentinel, and the init container forgets it.
  const refused = reviewAdmission('validate', admissionReview(touched, { operation: 'UPDATE', oldObject: stored }), { policies: [defaultPolicy] });
  expect(refused.response!.status!.message).toContain(
    'spec.podManagementPolicy: found "Parallel"; allowed OrderedReady (pod 0, the leader, must start first); the field cannot be changed on a stored StatefulSet: kubectl delete statefulset NAME --cascade=orphan',
  );
  touched.spec!.podManagementPolicy = 'OrderedReady';
  const back = mutated(touched, defaultPolicy, stored);
  expect(names(back)).toEqual(['redis']);
  const init = back.spec!.template.spec!.initContainers!.find((c) => c.name === 'redis-replication-init')!;
  expect(init.env!.map((e) => e.name)).not.toContain('REDIS_FAILOVER');
  expect(init.env!.find((e) => e.name === 'REDIS_REPLICATION_CONFIG')!.value).not.toContain('min-replicas-to-write');
});

test('quorum and the write majority follow the replicas of the template change; a scale alone changes nothing', () => {
  const five = mutated(sampleStatefulSet({ replicas: 5 }), sentinel);
  const env = (sts: V1StatefulSet, name: string) =>
    sts.spec!.template.spec!.initContainers!.find((c) => c.name === 'redis-replication-init')!.env!.find((e) => e.name === name)?.value;
  expect(env(five, 'REDIS_SENTINEL_QUORUM')).toBe('3');
  expect(env(five, 'REDIS_MEMBERS')).toBe('5');
  expect(env(five, 'REDIS_REPLICATION_CONFIG')).toContain('min-replicas-to-write 2');
  const scaled = { ...five, spec: { ...five.spec!, replicas: 7 } };
  const review = admissionReview(scaled, { operation: 'UPDATE', oldObject: five });
  expect(patchOf(reviewAdmission('mutate', review, { policies: [sentinel] }))).toEqual([]);
});

test.each([
  ['redis:6.0.20', false],
  ['redis:6.2.14-alpine', true],
  ['redis:6', true],
  ['valkey/valkey:7.2', true],
  ['bitnami/redis:6.0', false],
])('with failover.mode sentinel, image %s is admitted: %s (Sentinel hostnames and ACLs need Redis 6.2)', (image, admitted) => {
  const sts = sampleStatefulSet();
  sts.spec!.template.spec!.containers[0].image = image;
  const answer = reviewAdmission('validate', admissionReview(mutated(sts, sentinel)), { policies: [sentinel] });
  expect(answer.response!.allowed).toBe(admitted);
  if (!admitted) expect(answer.response!.status!.message).toContain('allowed Redis 6.2 or newer with failover.mode sentinel');
});
