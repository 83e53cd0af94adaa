import type { V1Secret, V1StatefulSet } from '@kubernetes/client-node';
import { defaultExporter } from '../../src/core/policy/defaultPolicy.js';
import { effectivePolicy } from '../../src/core/policy/effectivePolicy.js';
import {
  exporterContainerName,
  exporterPortName,
  sentinelContainerName,
  sentinelExporterContainerName,
  sentinelExporterPortName,
} from '../../src/wire/replicationNames.js';
import { eventually } from '../fixtures/eventually.js';
import { StatefulSetPods } from '../fixtures/kubelet/statefulSetPods.js';
import { scrape } from '../fixtures/prometheusProcesses.js';
import { headless, policy as sentinelPolicy, stored } from '../fixtures/sentinelGroup.js';

// A group whose policy sets metrics.exporter, run from its stored (mutated) StatefulSet by the kubelet
// stand-in: every member's exporter runs the image's entrypoint (Debian's prometheus-redis-exporter,
// v1.45, stands in for oliver006/redis_exporter's /redis_exporter) with nothing but the env the webhook
// wrote, and is scraped on the pod's address at its named port, as the PodMonitor scrapes it.

// Spaces, quotes, a dollar sign and a trailing newline (a Secret made from a file has one): the exporter
// must send what Redis was given, byte for byte, from the same Secret.
const password = 'ex "port$er\n';
const secrets: V1Secret[] = [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cache-auth' }, stringData: { password } }];
const auth = { secretName: 'cache-auth', secretKey: 'password' };

const exporting = effectivePolicy({
  apiVersion: 'redis-replication.io/v1alpha1',
  kind: 'ReplicationPolicy',
  metadata: { name: 'exporting' },
  // Followers resync at once instead of waiting 5 s to batch.
  spec: { auth, metrics: { exporter: {} }, config: { 'repl-diskless-sync-delay': '0' } },
});

const groups: StatefulSetPods[] = [];
afterEach(async () => {
  await Promise.all(groups.splice(0).map((g) => g.stop()));
});

async function start(sts: V1StatefulSet): Promise<StatefulSetPods> {
  const pods = StatefulSetPods.create(sts, { namespace: 'default', configMaps: [], secrets, services: [headless] });
  groups.push(pods);
  await pods.start(30_000);
  return pods;
}

/** The container port named `portName` in the stored template: where the PodMonitor scrapes. */
function namedPort(sts: V1StatefulSet, portName: string): number {
  const found = sts.spec!.template.spec!.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === portName);
  if (!found) throw new Error(`no container port named ${portName}`);
  return found.containerPort;
}

/** One series' value, by name and the labels it must carry; undefined when the scrape has none. */
function sample(metrics: string, name: string, labels: Record<string, string> = {}): string | undefined {
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && Object.entries(labels).every(([key, value]) => l.includes(`${key}="${value}"`)),
    );
  return line?.slice(line.lastIndexOf(' ') + 1);
}

/** Scrapes `address:port` until `ready` holds of the text (the exporter listens a moment after it starts). */
async function scraped(pods: StatefulSetPods, address: string, port: number, ready: (metrics: string) => boolean, what: string): Promise<string> {
  let last = '';
  return eventually(
    async () => {
      last = await scrape(`${address}:${port}`).catch((error: Error) => error.message);
      return ready(last) ? last : undefined;
    },
    30_000,
    what,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last scrape:\n${last.slice(0, 2000)}\n${pods.logs()}`);
  });
}

const up = (metrics: string) => sample(metrics, 'redis_up') === '1';

test('each member serves redis_up 1 and its own role on its metrics port, with the password from the group Secret', async () => {
  const sts = stored(exporting);
  expect(sts.spec!.template.spec!.containers.map((c) => c.name)).toEqual(['redis', exporterContainerName]);
  // The image's entrypoint runs: the webhook gives the exporter no command.
  expect(sts.spec!.template.spec!.containers[1].command).toBeUndefined();
  const pods = await start(sts);
  const port = namedPort(sts, exporterPortName);
  expect(port).toBe(9121);
  const roles = [];
  for (const pod of pods.pods) {
    const metrics = await scraped(
      pods,
      pod.address,
      port,
      (m) => up(m) && sample(m, 'redis_instance_info', { role: pod.name === 'cache-0' ? 'master' : 'slave' }) === '1',
      `${pod.name}'s exporter to report redis_up 1 and its role`,
    );
    expect(sample(metrics, 'redis_exporter_last_scrape_error')).toBe('0');
    roles.push(/redis_instance_info\{[^}]*role="(\w+)"/.exec(metrics)?.[1]);
    // It scrapes its own member over loopback: a follower's, its link to the leader.
    if (pod.name !== 'cache-0') expect(sample(metrics, 'redis_master_link_up')).toBe('1');
  }
  expect(roles).toEqual(['master', 'slave', 'slave']);
}, 120_000);

test('control: the same exporter without the Secret reference reports redis_up 0 (the password it sent is what made it 1)', async () => {
  const sts = stored(exporting);
  const exporter = sts.spec!.template.spec!.containers.find((c) => c.name === exporterContainerName)!;
  exporter.env = exporter.env!.filter((e) => e.name !== 'REDIS_PASSWORD');
  const pods = await start(sts);
  const metrics = await scraped(pods, pods.pods[0].address, namedPort(sts, exporterPortName), (m) => sample(m, 'redis_up') === '0', 'redis_up 0');
  expect(sample(metrics, 'redis_exporter_last_scrape_error')).toBe('1');
}, 60_000);

test('with Sentinel failover, each member also serves its Sentinel metrics on sentinelmetrics', async () => {
  const sts = stored({ ...sentinelPolicy, auth, metrics: { exporter: defaultExporter } });
  expect(sts.spec!.template.spec!.containers.map((c) => c.name)).toEqual([
    'redis',
    sentinelContainerName,
    exporterContainerName,
    sentinelExporterContainerName,
  ]);
  const pods = await start(sts);
  const port = namedPort(sts, sentinelExporterPortName);
  expect(port).toBe(9355);
  for (const pod of pods.pods) {
    const metrics = await scraped(
      pods,
      pod.address,
      port,
      // The Sentinels find each other and the followers within seconds of the start.
      (m) =>
        up(m) &&
        sample(m, 'redis_sentinel_master_ok_sentinels', { master_name: 'cache' }) === '3' &&
        sample(m, 'redis_sentinel_master_ok_slaves', { master_name: 'cache' }) === '2',
      `${pod.name}'s Sentinel exporter to report the master with 3 Sentinels and 2 followers`,
    );
    expect(sample(metrics, 'redis_instance_info', { redis_mode: 'sentinel' })).toBe('1');
    expect(sample(metrics, 'redis_sentinel_masters')).toBe('1');
    expect(sample(metrics, 'redis_sentinel_master_status', { master_name: 'cache', master_status: 'ok' })).toBe('1');
    // The Redis exporter beside it still reports the member.
    const redis = await scraped(pods, pod.address, namedPort(sts, exporterPortName), up, `${pod.name}'s Redis exporter to report redis_up 1`);
    expect(sample(redis, 'redis_instance_info', { redis_mode: 'standalone' })).toBe('1');
  }
}, 120_000);
