import fastJsonPatch from 'fast-json-patch';
import { reviewAdmission } from '../admission/reviewAdmission.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import { wiredEnv, wiredSentinel } from './wiredInitContainer.js';
import { admissionReview, patchOf, sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

function wired(policy = defaultPolicy) {
  const sts = sampleStatefulSet();
  const patch = patchOf(reviewAdmission('mutate', admissionReview(sts), { policies: [policy] }));
  return fastJsonPatch.applyPatch(structuredClone(sts), patch, true, false).newDocument;
}

test('wiredEnv reads what the webhook recorded on its init container; nothing on an unwired StatefulSet', () => {
  expect(wiredEnv(wired(), 'REDIS_PORT')).toBe('6379');
  expect(wiredEnv(sampleStatefulSet(), 'REDIS_PORT')).toBeUndefined();
});

test('wiredSentinel: the Sentinels of a group wired for Sentinel failover, none otherwise', () => {
  const sentinel = { ...defaultPolicy, failover: { mode: 'sentinel' as const, sentinel: { ...defaultPolicy.failover.sentinel, port: 26380 } } };
  expect(wiredSentinel(wired(sentinel))).toEqual({ masterName: 'cache', port: 26380 });
  expect(wiredSentinel(wired())).toBeUndefined();
});
