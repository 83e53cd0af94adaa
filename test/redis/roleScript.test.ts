import type { V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { admitStatefulSet } from '../../src/commands/check/admitStatefulSet.js';
import { defaultPolicy } from '../../src/core/policy/defaultPolicy.js';
import { PodStartError } from '../fixtures/kubelet/kubelet.js';
import { statefulSetPod, StatefulSetPods } from '../fixtures/kubelet/statefulSetPods.js';
import { sampleStatefulSet } from '../fixtures/statefulSet.js';

// The webhook cannot read the user's own config file (a ConfigMap); the role script checks it when the
// pod starts, in the init container the kubelet runs first, and stops the pod with the fix in its log.
const headless = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cache-headless' }, spec: { clusterIP: 'None' } };

function withConfigFile(): V1StatefulSet {
  const sts = sampleStatefulSet();
  const redis = sts.spec!.template.spec!.containers[0];
  redis.args = ['/etc/redis/redis.conf'];
  redis.volumeMounts = [{ name: 'config', mountPath: '/etc/redis' }];
  sts.spec!.template.spec!.volumes = [{ name: 'config', configMap: { name: 'cache-config' } }];
  const admission = admitStatefulSet(sts, 'default', [defaultPolicy], { service: headless });
  expect(admission.allowed).toBe(true);
  return fastJsonPatch.applyPatch(structuredClone(sts), admission.patch, true, false).newDocument;
}

test.each([
  ['slaveof 10.0.0.1 6379', 'sets replicaof/slaveof'],
  ['cluster-enabled yes', 'enables Redis Cluster'],
  ['port 0\ntls-port 6379', 'serves TLS'],
  ['requirepass s3cret', 'sets requirepass; the webhook cannot make this group replicate. Followers and probes need the password from a Secret'],
  ['protected-mode yes', 'sets protected-mode yes without a password'],
])(
  'a config file with "%s" stops pod 0 before Redis starts: "%s"',
  async (line, message) => {
    const stored = withConfigFile();
    const pods = StatefulSetPods.create(stored, {
      namespace: 'default',
      configMaps: [{ metadata: { name: 'cache-config' }, data: { 'redis.conf': `maxmemory 64mb\n${line}\n` } }],
      secrets: [],
    });
    try {
      const start = pods.start(20_000);
      await expect(start).rejects.toThrow(PodStartError);
      await expect(start).rejects.toThrow(`init container redis-replication-init exited 1:\nredis-replication: /etc/redis/redis.conf ${message}`);
    } finally {
      await pods.stop();
    }
  },
  30_000,
);

test('a config file without any of them starts pod 0', async () => {
  const stored = withConfigFile();
  expect(statefulSetPod(stored, 0).spec!.initContainers!.at(-1)!.volumeMounts).toContainEqual({
    name: 'config',
    mountPath: '/etc/redis',
    readOnly: true,
  });
  const pods = StatefulSetPods.create(
    { ...stored, spec: { ...stored.spec!, replicas: 1 } },
    {
      namespace: 'default',
      configMaps: [{ metadata: { name: 'cache-config' }, data: { 'redis.conf': 'maxmemory 64mb\nprotected-mode no\n' } }],
      secrets: [],
    },
  );
  try {
    await pods.start(20_000);
  } finally {
    await pods.stop();
  }
}, 30_000);

test('a follower whose leader never resolves gives up after leaderWaitSeconds, naming the leader', async () => {
  const sts = sampleStatefulSet();
  const admission = admitStatefulSet(sts, 'default', [{ ...defaultPolicy, leaderWaitSeconds: 2 }], { service: headless });
  const stored = fastJsonPatch.applyPatch(structuredClone(sts), admission.patch, true, false).newDocument;
  const pods = StatefulSetPods.create(stored, { namespace: 'default', configMaps: [], secrets: [] });
  try {
    // Pod 1 alone: pod 0 never starts, so its DNS name never appears.
    const start = pods.restart(1);
    await expect(start).rejects.toThrow(PodStartError);
    await expect(start).rejects.toThrow(
      'init container redis-replication-init exited 1:\nredis-replication: leader cache-0.cache-headless.default.svc.cluster.local did not resolve within 2s',
    );
  } finally {
    await pods.stop();
  }
}, 30_000);
