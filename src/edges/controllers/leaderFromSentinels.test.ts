import type { V1Pod } from '@kubernetes/client-node';
import { leaderFromSentinels, roleLabelChanges } from './leaderFromSentinels.js';
import { sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

const sts = sampleStatefulSet();
const pod = (ordinal: number, role?: string): V1Pod => ({
  metadata: { name: `cache-${ordinal}`, labels: role ? { 'redis-replication/role': role } : {} },
  status: { podIP: `10.0.0.${ordinal + 10}` },
});
const pods = [pod(0), pod(1), pod(2)];
const host = (ordinal: number) => `cache-${ordinal}.cache-headless.default.svc.cluster.local`;

describe('leaderFromSentinels', () => {
  test('a majority of the members naming one master decides, by DNS name or pod IP', () => {
    expect(
      leaderFromSentinels(sts, pods, [
        { member: 'cache-0', error: 'connect ECONNREFUSED' },
        { member: 'cache-1', master: host(2) },
        { member: 'cache-2', master: '10.0.0.12' },
      ]),
    ).toEqual({ leader: 'cache-2', agreeing: 2, members: 3 });
  });

  test('no majority (one Sentinel cut off with an old master, the others unreachable): no decision, saying what each said', () => {
    expect(
      leaderFromSentinels(sts, pods, [
        { member: 'cache-0', master: host(0) },
        { member: 'cache-1', error: 'timeout' },
        { member: 'cache-2', master: host(1) },
      ]),
    ).toEqual({
      reason: `expected 2 of 3 Sentinels to name one master; found cache-0: ${host(0)}; cache-1: timeout; cache-2: ${host(1)}`,
    });
  });

  test('a master that is no pod of the StatefulSet is never labeled', () => {
    const views = [0, 1, 2].map((i) => ({ member: `cache-${i}`, master: 'other-0.other.default.svc.cluster.local' }));
    expect(leaderFromSentinels(sts, pods, views)).toEqual({ reason: 'the Sentinels name other-0, which is not a pod of StatefulSet cache' });
  });
});

test('roleLabelChanges: only the labels that differ, followers before the leader', () => {
  expect([...roleLabelChanges([pod(0, 'leader'), pod(1, 'follower'), pod(2)], 'cache-1')]).toEqual([
    ['cache-0', 'follower'],
    ['cache-2', 'follower'],
    ['cache-1', 'leader'],
  ]);
  expect(roleLabelChanges([pod(0, 'leader'), pod(1, 'follower')], 'cache-0').size).toBe(0);
});
