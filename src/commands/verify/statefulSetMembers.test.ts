import type { V1Pod } from '@kubernetes/client-node';
import { defaultPolicy } from '../../core/policy/defaultPolicy.js';
import { labelSelectorQuery } from '../../edges/kubernetes/labelSelectorQuery.js';
import { parseEndpoints } from './parseEndpoints.js';
import { statefulSetMembers } from './statefulSetMembers.js';
import { injectedInitContainer } from '../../../test/fixtures/redisGroup.js';

// Where the members come from: the pure halves of the two discovery modes.

function pod(name: string, status: V1Pod['status']): V1Pod {
  return { metadata: { name, labels: { 'app.kubernetes.io/name': 'cache' } }, status };
}
const ready = (podIP: string): V1Pod['status'] => ({ phase: 'Running', podIP, conditions: [{ type: 'Ready', status: 'True' }] });

describe('statefulSetMembers', () => {
  const { statefulSet } = injectedInitContainer({ ...defaultPolicy, port: 7000, clusterDomain: 'cluster.example' });
  const options = { namespace: 'default', clusterDomain: 'cluster.local' };

  test('one member per ordinal, addressed by pod IP on the port the webhook configured', () => {
    const pods = [pod('cache-2', ready('10.0.0.3')), pod('cache-0', ready('10.0.0.1')), pod('cache-1', ready('10.0.0.2'))];
    const members = statefulSetMembers(statefulSet, pods, options);
    expect(members.map((m) => [m.name, m.host, m.port, m.podReady])).toEqual([
      ['cache-0', '10.0.0.1', 7000, true],
      ['cache-1', '10.0.0.2', 7000, true],
      ['cache-2', '10.0.0.3', 7000, true],
    ]);
  });

  test('pod 0 is also known by its DNS names and by the leader host the followers were given', () => {
    const [leader] = statefulSetMembers(statefulSet, [pod('cache-0', ready('10.0.0.1'))], options);
    expect(leader.aliases).toEqual([
      'cache-0.cache-headless',
      'cache-0.cache-headless.default',
      'cache-0.cache-headless.default.svc',
      'cache-0.cache-headless.default.svc.cluster.local',
      // From REDIS_LEADER_HOST: the policy's cluster domain, which differs from --cluster-domain here.
      'cache-0.cache-headless.default.svc.cluster.example',
    ]);
  });

  test('a missing pod, a pod without an IP and a pod that is not Ready say so', () => {
    const pods = [
      pod('cache-0', { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'False' }] }),
      pod('cache-1', { phase: 'Pending' }),
    ];
    const members = statefulSetMembers(statefulSet, pods, options);
    expect(members.map((m) => [m.name, m.host, m.absence, m.podReady])).toEqual([
      ['cache-0', '10.0.0.1', undefined, false],
      ['cache-1', undefined, 'pod cache-1 has no IP yet (phase Pending)', false],
      ['cache-2', undefined, 'pod cache-2 does not exist', undefined],
    ]);
  });

  test('--port overrides the configured port; an unmutated StatefulSet falls back to 6379', () => {
    expect(statefulSetMembers(statefulSet, [], { ...options, port: 7001 })[0].port).toBe(7001);
    const plain = structuredClone(statefulSet);
    plain.spec!.template.spec!.initContainers = [];
    expect(statefulSetMembers(plain, [], options)[0].port).toBe(6379);
  });
});

describe('labelSelectorQuery', () => {
  test('writes matchLabels and matchExpressions in query syntax', () => {
    expect(
      labelSelectorQuery({
        matchLabels: { app: 'cache', tier: 'data' },
        matchExpressions: [
          { key: 'zone', operator: 'In', values: ['a', 'b'] },
          { key: 'canary', operator: 'NotIn', values: ['yes'] },
          { key: 'owner', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=cache,tier=data,zone in (a,b),canary notin (yes),owner,!legacy');
  });

  test('an unknown operator is an error naming it', () => {
    expect(() => labelSelectorQuery({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toThrow(
      'spec.selector.matchExpressions[a].operator: found "Near"; expected In, NotIn, Exists or DoesNotExist',
    );
  });
});

describe('parseEndpoints', () => {
  test('keeps the order, pod 0 first, names members as written and fills a missing port', () => {
    expect(parseEndpoints('10.0.0.1:7000, redis-1.local ,[fd00::2]:7002', 6379)).toEqual([
      { name: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, aliases: [] },
      { name: 'redis-1.local', host: 'redis-1.local', port: 6379, aliases: [] },
      { name: '[fd00::2]:7002', host: 'fd00::2', port: 7002, aliases: [] },
    ]);
  });

  test('rejects empty entries and bad ports, quoting the entry', () => {
    expect(() => parseEndpoints('a:1,,b:2', 6379)).toThrow('--endpoints: found "a:1,,b:2"; expected host:port,host:port,... with pod 0 first');
    expect(() => parseEndpoints('a:70000', 6379)).toThrow(
      '--endpoints: found "a:70000"; expected host:port (or [ipv6]:port) with a port from 1 to 65535',
    );
    expect(() => parseEndpoints('fd00::1', 6379)).toThrow('--endpoints: found "fd00::1"');
  });
});
