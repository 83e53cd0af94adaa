import type { V1StatefulSet } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { kubectl, kubectlOk, testNamespaces } from '../fixtures/kubectl.js';
import { replicationGroupYaml } from '../fixtures/manifest.js';
import { describePods, pod, podsReady } from '../fixtures/nodePods.js';
import { eventually } from '../fixtures/eventually.js';
import { assertVerifyPasses } from '../fixtures/replicates.js';
import { runCli } from '../fixtures/runCli.js';

// The Redis container's own config file, from a ConfigMap, judged at admission through the real API
// server: the webhook runs with --check-config-files (as kustomize/base runs it) and reads the ConfigMaps
// the container mounts. What the file makes unworkable is refused in kubectl apply's answer, not in the
// init container's log at pod start; a file's port is carried to the probes and replicaof, on the real node.

const namespaces = testNamespaces('e2e-config');
const namespace = () => namespaces.create();

afterAll(() => namespaces.deleteAll(), 60_000);

function configMapYaml(namespace: string, file: string): string {
  return stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'redis-config', namespace }, data: { 'redis.conf': file } });
}

/** A group whose Redis starts from /etc/redis/redis.conf, a key of ConfigMap redis-config. */
function groupWithConfigFile(namespace: string, name: string): string {
  return replicationGroupYaml(namespace, name, (sts: V1StatefulSet) => {
    const pod = sts.spec!.template.spec!;
    pod.containers[0].command = ['redis-server', '/etc/redis/redis.conf'];
    pod.containers[0].volumeMounts = [{ name: 'config', mountPath: '/etc/redis' }];
    pod.volumes = [{ name: 'config', configMap: { name: 'redis-config' } }];
  });
}

describe('a config file from a ConfigMap created first: refused with its line and the fix', () => {
  const cases: [string, string, RegExp][] = [
    [
      'a TLS-only config',
      'bind 0.0.0.0\nport 0\ntls-port 6379\n',
      /ConfigMap redis-config key redis\.conf line 2: found port 0; allowed plain TCP.*\[rule tls\]/,
    ],
    [
      'protected-mode yes without a password',
      'protected-mode yes\nappendonly yes\n',
      /ConfigMap redis-config key redis\.conf line 1: found protected-mode yes without a password.*allowed a password from a Secret.*\[rule auth\]/,
    ],
    [
      'a literal requirepass',
      'appendonly yes\nrequirepass "s3cret"\n',
      /ConfigMap redis-config key redis\.conf line 2: found a password written into a ConfigMap \(requirepass\); allowed a password from a Secret.*\[rule auth\]/,
    ],
  ];

  test.each(cases)(
    '%s',
    async (_label, file, message) => {
      const ns = await namespace();
      // One apply, the ConfigMap first, as `kubectl apply -f` of a folder or Argo CD's sync orders it.
      const result = await kubectl(['apply', '-f', '-'], `${configMapYaml(ns, file)}---\n${groupWithConfigFile(ns, 'cache')}`);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect((await kubectl(['get', 'statefulset', 'cache', '-n', ns])).code).not.toBe(0);
    },
    60_000,
  );
});

test('a ConfigMap that comes after the StatefulSet: admitted with a warning that the file went unchecked', async () => {
  const ns = await namespace();
  const result = await kubectl(['apply', '-f', '-'], groupWithConfigFile(ns, 'later'));
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(
    /Warning: .*found ConfigMap redis-config, which does not exist yet, so the rules could not check \/etc\/redis\/redis\.conf/,
  );
  await kubectlOk(['apply', '-f', '-'], configMapYaml(ns, 'appendonly yes\n'));
}, 60_000);

test("a file's port (6380) is carried to the probes and replicaof: the group replicates on the real node", async () => {
  const ns = await namespace();
  await kubectlOk(['apply', '-f', '-'], `${configMapYaml(ns, 'port 6380\nappendonly yes\n')}---\n${groupWithConfigFile(ns, 'ported')}`);
  const stored = JSON.parse(await kubectlOk(['get', 'statefulset', 'ported', '-n', ns, '-o', 'json'])) as V1StatefulSet;
  const redis = stored.spec!.template.spec!.containers.find((c) => c.name === 'redis')!;
  expect(redis.ports).toContainEqual(expect.objectContaining({ name: 'redis', containerPort: 6380 }));
  expect(redis.env).toContainEqual({ name: 'REDIS_PORT', value: '6380' });
  const pods = await podsReady(ns, 'app.kubernetes.io/name=ported', 3, 240_000);
  const ordinal = (name: string) => Number(name.slice(name.lastIndexOf('-') + 1));
  const byOrdinal = pods.sort((a, b) => ordinal(a.metadata!.name!) - ordinal(b.metadata!.name!));
  await assertVerifyPasses({
    endpoints: byOrdinal.map((p) => `${p.status!.podIP}:6380`).join(','),
    leaderAlias: `ported-0.ported-headless.${ns}.svc.cluster.local`,
    label: 'a config file with port 6380',
    logs: () => describePods(ns),
  });
}, 300_000);

test('a ConfigMap changed after admission so the group cannot work: the audit fails the rule, naming the line', async () => {
  const ns = await namespace();
  await kubectlOk(['apply', '-f', '-'], `${configMapYaml(ns, 'appendonly yes\n')}---\n${groupWithConfigFile(ns, 'audited')}`);
  const audit = () => runCli(['audit', '-n', ns, '--policies', process.env.RRW_POLICIES_DIR!, '--cluster-policies']);
  const before = await audit();
  expect(before.stdout).toContain(`StatefulSet ${ns}/audited (policy default): passing`);
  await kubectlOk(['apply', '-f', '-'], configMapYaml(ns, 'appendonly yes\nport 0\ntls-port 6379\n'));
  const after = await audit();
  expect(after.code).toBe(1);
  expect(after.stdout).toMatch(/fail tls: ConfigMap redis-config key redis\.conf line 2: found port 0/);
}, 60_000);

test("a file the webhook cannot read (from a Secret) that serves TLS: admitted, and the init container's refusal is in the pod's status", async () => {
  const ns = await namespace();
  const secret = stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'redis-config', namespace: ns },
    stringData: { 'redis.conf': 'port 0\ntls-port 6379\n' },
  });
  const group = replicationGroupYaml(ns, 'secretfile', (sts: V1StatefulSet) => {
    const pod = sts.spec!.template.spec!;
    pod.containers[0].command = ['redis-server', '/etc/redis/redis.conf'];
    pod.containers[0].volumeMounts = [{ name: 'config', mountPath: '/etc/redis' }];
    pod.volumes = [{ name: 'config', secret: { secretName: 'redis-config' } }];
  });
  await kubectlOk(['apply', '-f', '-'], `${secret}---\n${group}`);
  const message = await eventually(
    async () => {
      const status = (await pod(ns, 'secretfile-0')).status?.initContainerStatuses?.[0];
      return status?.state?.terminated?.message ?? status?.lastState?.terminated?.message;
    },
    120_000,
    "the init container's termination message",
  );
  expect(message).toContain(
    'redis-replication: /etc/redis/redis.conf serves TLS (tls-port or port 0); the webhook cannot make this group replicate.',
  );
}, 180_000);
