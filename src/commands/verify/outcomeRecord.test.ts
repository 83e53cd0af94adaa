import type { V1Pod } from '@kubernetes/client-node';
import type { CheckResult } from './checkResult.js';
import type { Member } from './member.js';
import { outcomeEvent, roleLabelPatches, verifiedAnnotationPatch } from './outcomeRecord.js';
import type { ReplicationOutcome } from './replicationOutcome.js';
import { sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

// What the promotion check writes onto the cluster, built without a cluster.

const members: Member[] = [0, 1, 2].map((i) => ({ name: `cache-${i}`, host: `10.0.0.${i + 1}`, port: 6379, aliases: [] }));
const passed = (member: string, check: CheckResult['check']): CheckResult => ({ member, check, status: 'passed', expected: '', found: '' });
const failed = (member: string, check: CheckResult['check']): CheckResult => ({ member, check, status: 'failed', expected: '', found: '' });
const pod = (name: string, role?: string): V1Pod => ({
  metadata: { name, uid: `uid-${name}`, labels: role === undefined ? {} : { 'redis-replication/role': role } },
});

describe('roleLabelPatches', () => {
  test('labels the verified leader and followers, and only pods whose label differs', () => {
    const results = [
      passed('cache-0', 'leader-role'),
      ...['cache-1', 'cache-2'].flatMap((m) => [passed(m, 'follower-role'), passed(m, 'follows-leader')]),
    ];
    const patches = roleLabelPatches(members, [pod('cache-0'), pod('cache-1', 'follower'), pod('cache-2', 'leader')], results);
    expect(Object.fromEntries(patches)).toEqual({
      'cache-0': { metadata: { uid: 'uid-cache-0', labels: { 'redis-replication/role': 'leader' } } },
      'cache-2': { metadata: { uid: 'uid-cache-2', labels: { 'redis-replication/role': 'follower' } } },
    });
  });

  test('removes the label from a pod whose role was not verified, and skips pods that do not exist', () => {
    const results = [failed('cache-0', 'leader-role'), passed('cache-1', 'follower-role'), failed('cache-1', 'follows-leader')];
    const patches = roleLabelPatches(members, [pod('cache-0', 'leader'), pod('cache-1', 'follower')], results);
    expect(Object.fromEntries(patches)).toEqual({
      'cache-0': { metadata: { uid: 'uid-cache-0', labels: { 'redis-replication/role': null } } },
      'cache-1': { metadata: { uid: 'uid-cache-1', labels: { 'redis-replication/role': null } } },
    });
  });
});

test('the annotation holds time, result and summary as JSON', () => {
  const patch = verifiedAnnotationPatch({ result: 'failed', summary: '1 of 17 checks failed: x' }, new Date('2025-01-02T03:04:05Z'));
  expect(JSON.parse(patch.metadata.annotations!['redis-replication/verified'])).toEqual({
    time: '2025-01-02T03:04:05.000Z',
    result: 'failed',
    summary: '1 of 17 checks failed: x',
  });
});

test('the data marker is recorded by the first passing check only, and never replaced', () => {
  const time = new Date('2025-01-02T03:04:05Z');
  const passing: ReplicationOutcome = { result: 'passed', summary: 'all passed' };
  const annotations = (recorded: string | undefined, marker: string | undefined, outcome = passing) =>
    verifiedAnnotationPatch(outcome, time, recorded, marker).metadata.annotations!;
  expect(annotations(undefined, 'm1')['redis-replication/data-marker']).toBe('m1');
  expect(annotations('m1', 'm2')).not.toHaveProperty('redis-replication/data-marker');
  expect(annotations(undefined, 'm1', { result: 'failed', summary: 'x' })).not.toHaveProperty('redis-replication/data-marker');
  expect(annotations(undefined, undefined)).not.toHaveProperty('redis-replication/data-marker');
});

test('the Event names the StatefulSet, with the reason and type of the result', () => {
  const sts = sampleStatefulSet();
  sts.metadata!.uid = 'uid-1';
  const time = new Date('2025-01-02T03:04:05Z');
  const broken = outcomeEvent(sts, { result: 'failed', summary: 'x'.repeat(2000) }, time, 'verify-abc');
  expect(broken).toMatchObject({
    metadata: { generateName: 'cache.', namespace: 'default' },
    involvedObject: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'cache', namespace: 'default', uid: 'uid-1' },
    reason: 'ReplicationBroken',
    type: 'Warning',
    firstTimestamp: time,
    reportingInstance: 'verify-abc',
  });
  expect(broken.message).toHaveLength(1024);
  expect(outcomeEvent(sts, { result: 'passed', summary: 'ok' }, time, 'verify-abc')).toMatchObject({
    reason: 'ReplicationVerified',
    type: 'Normal',
    message: 'ok',
  });
});
