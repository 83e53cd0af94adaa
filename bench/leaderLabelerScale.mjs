// The leader labels at scale (`npm run bench -- --leader-labels`): GROUPS groups with Sentinel failover,
// their 3 members' Sentinels played by bench/sentinelStandIn.mjs (one process), the pods and their labels
// by an in-memory stand-in of the API. Figures: the time to label every group at the start, the CPU and
// memory of the labeler while it follows every Sentinel, and the time from a Sentinel's +switch-master to
// the leader label on the new master.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fastJsonPatch from 'fast-json-patch';
import { admitStatefulSet } from '../dist/commands/check/admitStatefulSet.js';
import { leaderLabeler } from '../dist/edges/controllers/leaderLabeler.js';
import { effectivePolicy } from '../dist/core/policy/effectivePolicy.js';
import { freePort } from './processes.mjs';

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

function sampleGroup(group, policy) {
  const name = `g${group}`;
  const sts = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'bench', labels: { 'redis-replication': 'enabled', app: name } },
    spec: {
      replicas: 3,
      serviceName: `${name}-headless`,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'redis', image: 'redis:7.2' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
  const service = { metadata: { name: `${name}-headless` }, spec: { clusterIP: 'None' } };
  const admission = admitStatefulSet(sts, 'bench', [policy], { service });
  if (!admission.allowed) throw new Error(`bench group ${name} refused: ${JSON.stringify(admission)}`);
  return fastJsonPatch.applyPatch(structuredClone(sts), admission.patch, true, false).newDocument;
}

const watched = (objects) => ({
  start: () => Promise.resolve(),
  lookup: () => ({ known: false }),
  all: () => objects,
  onChange: () => () => undefined,
  close: () => undefined,
});

export async function leaderLabelerScale({ groups = 200, switches = 20 } = {}) {
  const port = await freePort();
  const policy = effectivePolicy({
    apiVersion: 'redis-replication.io/v1alpha1',
    kind: 'ReplicationPolicy',
    metadata: { name: 'bench' },
    spec: { failover: { mode: 'sentinel', sentinel: { port } } },
  });
  const standIn = fork(fileURLToPath(new URL('./sentinelStandIn.mjs', import.meta.url)), [String(port)]);
  const replies = [];
  const waiters = [];
  standIn.on('message', (message) => {
    const waiter = waiters.findIndex((w) => w.match(message));
    if (waiter >= 0) waiters.splice(waiter, 1)[0].resolve(message);
    else replies.push(message);
  });
  const reply = (match) => new Promise((resolve) => waiters.push({ match, resolve }));
  await reply((m) => m.listening);
  try {
    return await measure(standIn, reply, policy, groups, switches);
  } finally {
    standIn.kill();
  }
}

async function measure(standIn, reply, policy, groups, switches) {
  const statefulSets = Array.from({ length: groups }, (_, g) => sampleGroup(g, policy));
  const pods = statefulSets.flatMap((sts, g) =>
    [0, 1, 2].map((m) => ({
      metadata: { name: `${sts.metadata.name}-${m}`, namespace: 'bench', uid: `uid-${g}-${m}`, labels: { app: sts.metadata.name } },
      status: { podIP: `127.1.${g}.${m + 1}` },
    })),
  );
  const labels = new Map();
  const applied = [];
  const connection = {
    get: () => Promise.reject(new Error('the pods come from the watch')),
    apply: (path, object) => {
      const pod = path.split('/').pop();
      const role = object.metadata.labels['redis-replication/role'];
      labels.set(pod, role);
      const found = pods.find((p) => p.metadata.name === pod);
      found.metadata.labels = { ...found.metadata.labels, 'redis-replication/role': role };
      applied.push({ pod, role, at: Date.now() });
      return Promise.resolve(object);
    },
  };

  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  const labeler = leaderLabeler({
    statefulSets: watched(statefulSets),
    pods: watched(pods),
    connection,
    intervalMs: 3_600_000,
    askTimeoutMs: 5_000,
    onRound: () => undefined,
  });
  const waitFor = async (condition, what, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`leader labels bench: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await waitFor(() => labels.size === pods.length, 'every pod labeled');
  const labeledAllMs = Date.now() - started;
  const startCpuMs = (process.cpuUsage(cpuBefore).user + process.cpuUsage(cpuBefore).system) / 1000;
  const subscribed = async () => {
    standIn.send({ subscriptions: true });
    return (await reply((m) => m.subscriptions !== undefined)).subscriptions;
  };
  for (let tries = 0; (await subscribed()) < pods.length; tries++) {
    if (tries > 600) throw new Error('leader labels bench: not every Sentinel followed');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  // Following every Sentinel, nothing happening: what the labeler costs at rest.
  const idleSeconds = 5;
  const idleBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
  const idle = process.cpuUsage(idleBefore);
  const idleCpuPercent = ((idle.user + idle.system) / 1000 / (idleSeconds * 1000)) * 100;
  const memory = process.memoryUsage();

  const moves = [];
  for (let i = 0; i < switches; i++) {
    const group = Math.floor((i * groups) / switches);
    standIn.send({ switch: group });
    const { to, at } = await reply((m) => m.switched === group);
    const pod = `g${group}-${to}`;
    await waitFor(() => applied.some((a) => a.pod === pod && a.role === 'leader' && a.at >= at), `the label of ${pod}`, 10_000);
    moves.push(applied.find((a) => a.pod === pod && a.role === 'leader' && a.at >= at).at - at);
  }
  labeler.close();
  return {
    groups,
    sentinels: pods.length,
    labeledAllMs,
    startCpuMs,
    idleCpuPercent,
    rssMb: memory.rss / 1024 / 1024,
    heapUsedMb: memory.heapUsed / 1024 / 1024,
    switches,
    moveP50Ms: percentile(moves, 50),
    moveMaxMs: Math.max(...moves),
  };
}
