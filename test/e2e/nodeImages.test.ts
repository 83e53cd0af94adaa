import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { eventually } from '../fixtures/eventually.js';
import { createNamespaceForPods, kubectl, kubectlOk } from '../fixtures/kubectl.js';
import { describePods, execIn, pod, podsReady } from '../fixtures/nodePods.js';

// The node's images (test/cluster/images.sh) start as the official ones do: their entrypoint prepends
// the server to options and config files, hands over from root to the image's user (999), adds
// `--protected-mode no` unless a config file sets protected-mode, and a command that replaces the
// entrypoint runs as it is, as root. Every name a manifest uses pulls from the node's registry; a name
// it does not build is refused as a registry refuses an unknown repository.

const ns = `e2e-images-${process.pid}`;

const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf' }, data: { 'redis.conf': 'port 6381\nprotected-mode yes\n' } };

function podOf(name: string, container: Partial<V1Container>): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { test: 'images' } },
    spec: {
      containers: [{ name: 'main', image: 'redis:7.2', ...container, volumeMounts: [{ name: 'conf', mountPath: '/etc/redis' }] }],
      volumes: [{ name: 'conf', configMap: { name: 'conf' } }],
    },
  };
}

const pods = [
  podOf('options', { args: ['--port', '6380'] }),
  podOf('mirror', { image: 'public.ecr.aws/docker/library/redis:7.2.7-alpine' }),
  podOf('config-file', { args: ['/etc/redis/redis.conf'] }),
  podOf('command', { command: ['redis-server', '--port', '6382'] }),
  podOf('valkey', { image: 'valkey/valkey:8' }),
  podOf('busybox', { image: 'busybox', command: ['sleep', '3600'] }),
];

beforeAll(async () => {
  await createNamespaceForPods(ns);
  await kubectlOk(['apply', '-n', ns, '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [config, ...pods] }));
  await podsReady(ns, 'test=images', pods.length, 180_000);
}, 200_000);

afterAll(async () => {
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
});

/** The uid and command line of the container's first process. */
async function mainProcess(name: string): Promise<{ uid: string; command: string }> {
  const status = await execIn(ns, name, 'main', ['sh', '-c', "awk '/^Uid:/ { print $2 }' /proc/1/status; tr '\\0' ' ' </proc/1/cmdline"]);
  const [uid = '', command = ''] = status.stdout.split('\n');
  return { uid, command: command.trim() };
}

async function protectedMode(name: string, port: number, cli = 'redis-cli'): Promise<string> {
  const answer = await execIn(ns, name, 'main', [cli, '-p', String(port), 'config', 'get', 'protected-mode']);
  return answer.stdout.split('\n')[1] ?? answer.stderr;
}

test('options: the entrypoint prepends redis-server, hands over to uid 999 and adds --protected-mode no', async () => {
  expect(await mainProcess('options')).toEqual({ uid: '999', command: 'redis-server *:6380' });
  expect(await protectedMode('options', 6380)).toBe('no');
});

test('a mirror name with no arguments: the image default, redis-server as uid 999, and its working directory handed to that user', async () => {
  expect(await mainProcess('mirror')).toMatchObject({ uid: '999' });
  expect(await protectedMode('mirror', 6379)).toBe('no');
  expect((await execIn(ns, 'mirror', 'main', ['stat', '-c', '%U %a', '/data'])).stdout.trim()).toBe('redis 755');
});

test('a config file that sets protected-mode: the entrypoint leaves it as the file says', async () => {
  expect(await mainProcess('config-file')).toMatchObject({ uid: '999' });
  expect(await protectedMode('config-file', 6381)).toBe('yes');
});

test('a command replaces the entrypoint: the server runs as the image user root, with protected mode as Redis defaults it', async () => {
  expect(await mainProcess('command')).toEqual({ uid: '0', command: 'redis-server *:6382' });
  expect(await protectedMode('command', 6382)).toBe('yes');
});

test('valkey: valkey-server and valkey-cli by those names, as uid 999', async () => {
  const main = await mainProcess('valkey');
  expect(main.uid).toBe('999');
  expect(main.command).toMatch(/^valkey-server /);
  expect((await execIn(ns, 'valkey', 'main', ['valkey-cli', 'ping'])).stdout.trim()).toBe('PONG');
});

test('busybox runs its applets', async () => {
  expect((await execIn(ns, 'busybox', 'main', ['sh', '-c', 'echo $((6 * 7))'])).stdout.trim()).toBe('42');
});

test('an image the node does not build is refused by the registry, and the pod says so', async () => {
  // Always pulled: an earlier run's pull would otherwise be reused.
  await kubectlOk(['apply', '-n', ns, '-f', '-'], JSON.stringify(podOf('bitnami', { image: 'bitnami/redis:7.2', imagePullPolicy: 'Always' })));
  const reason = await eventually(
    async () => {
      const waiting = (await pod(ns, 'bitnami')).status?.containerStatuses?.[0]?.state?.waiting;
      return waiting?.reason === 'ErrImagePull' || waiting?.reason === 'ImagePullBackOff' ? waiting : undefined;
    },
    60_000,
    'the pull of bitnami/redis to fail',
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}:\n${await describePods(ns)}`);
  });
  expect(reason.message).toMatch(/bitnami\/redis/);
}, 90_000);
