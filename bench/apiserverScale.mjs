// `npm run bench -- --apiserver`: what the webhook costs every client of the API server, measured through
// the local control plane (test/cluster/): the same requests with no webhook registered, with a no-op
// webhook (noopWebhook.mjs, the floor any webhook pays) and with ours (kustomize/base's flags), the three
// modes alternating in rounds so a change in the machine's load weighs on all alike.
import { execFileSync, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { defaultPolicy, reviewAdmission } from '../dist/index.js';
import { cpuMicros, residentMb, startWebhook, stopProcess } from './processes.mjs';
import { shippedNodeOptions } from './shippedNodeOptions.mjs';

const repo = fileURLToPath(new URL('../', import.meta.url));
const cluster = join(repo, 'test', 'cluster');
const namespace = 'bench-apiserver';
const modes = ['none', 'noop', 'ours'];
const concurrencies = [1, 10, 50];

/** The admin identity of the local control plane's kubeconfig, for requests of our own. */
function adminClient(kubeconfig) {
  const config = parse(readFileSync(kubeconfig, 'utf8'));
  const { cluster: c } = config.clusters[0];
  const { user } = config.users[0];
  const server = new URL(c.server);
  const tls = {
    ca: Buffer.from(c['certificate-authority-data'], 'base64'),
    cert: Buffer.from(user['client-certificate-data'], 'base64'),
    key: Buffer.from(user['client-key-data'], 'base64'),
  };
  return { host: server.hostname, port: Number(server.port), tls };
}

function send(client, agent, { method, path, body, contentType }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      { host: client.host, port: client.port, method, path, agent, headers: { 'content-type': contentType, accept: 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: performance.now() - started, ok: res.statusCode >= 200 && res.statusCode < 300, status: res.statusCode }));
      },
    );
    req.on('error', () => resolve({ ms: performance.now() - started, ok: false, status: 0 }));
    req.end(body);
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** `concurrency` clients, each sending the next request as soon as the last one is answered, for `seconds`. */
async function load(client, concurrency, seconds, next) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ...client.tls });
  const latencies = [];
  let failures = 0;
  const until = performance.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const answer = await send(client, agent, next(i++));
        if (answer.ok) latencies.push(answer.ms);
        else failures++;
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    failures,
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

function statefulSet(name, labeled) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name,
      namespace,
      labels: { app: name, ...(labeled ? { 'redis-replication': 'enabled' } : {}) },
      annotations: { 'bench/kind': 'apiserver' },
    },
    spec: {
      replicas: 2,
      serviceName: `${name}-headless`,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'redis', image: 'redis:7.2' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

const requests = {
  // kubectl scale of a StatefulSet that is not ours: every one in the cluster passes the validating webhook.
  scale: (i) => ({
    method: 'PATCH',
    path: `/apis/apps/v1/namespaces/${namespace}/statefulsets/plain/scale`,
    contentType: 'application/merge-patch+json',
    body: JSON.stringify({ spec: { replicas: 2 + (i % 2) } }),
  }),
  // A labeled StatefulSet created as a dry run (its headless Service exists): both webhooks, as Argo CD's
  // server-side diff and kubectl apply --dry-run=server do.
  create: () => ({
    method: 'POST',
    path: `/apis/apps/v1/namespaces/${namespace}/statefulsets?dryRun=All`,
    contentType: 'application/json',
    body: JSON.stringify(statefulSet('labeled', true)),
  }),
};

function kubectl(kubeconfig, args, input) {
  return execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function register(kubeconfig, url, caFile) {
  if (url === undefined) {
    kubectl(kubeconfig, ['delete', 'mutatingwebhookconfiguration,validatingwebhookconfiguration', 'redis-replication-webhook', '--ignore-not-found']);
    return;
  }
  const configs = execFileSync(process.execPath, [join(cluster, 'register-webhook.mjs'), url, caFile], { encoding: 'utf8' });
  kubectl(kubeconfig, ['apply', '-f', '-'], configs);
}

/** The no-op under the runtime limits ours ships with (the Dockerfile's NODE_OPTIONS), so the floor is like for like. */
function startNoop(certFile, keyFile, patch) {
  const child = fork(fileURLToPath(new URL('./noopWebhook.mjs', import.meta.url)), {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: shippedNodeOptions() },
  });
  child.send({ certFile, keyFile, patch });
  return new Promise((resolve) => child.once('message', ({ port }) => resolve({ child, port })));
}

/**
 * Runs the scenario; returns its figures. Brings the control plane up (test/cluster/up.sh) when it is not,
 * and stops the webhook in test/cluster/webhook-up.sh's place while it runs (it is re-registered after).
 */
export async function apiserverScale({ workDir, certFile, keyFile, cert, seconds, rounds, print }) {
  const patch = ourPatch();
  const figuresOut = {};
  const kubeconfig = execFileSync('bash', [join(cluster, 'up.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .replace(/^export KUBECONFIG=/, '');
  execFileSync('bash', [join(cluster, 'webhook-down.sh')], { stdio: 'inherit' });
  kubectl(kubeconfig, ['apply', '-f', join(repo, 'kustomize/base/crd/replicationpolicy-crd.yaml')]);
  try {
    kubectl(kubeconfig, ['create', 'namespace', namespace]);
  } catch {
    // already there from an earlier run
  }
  kubectl(kubeconfig, ['apply', '-f', '-'], JSON.stringify(statefulSet('plain', false)));
  const headless = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'labeled-headless', namespace },
    spec: { clusterIP: 'None', selector: { app: 'labeled' }, ports: [{ port: 6379 }] },
  };
  kubectl(kubeconfig, ['apply', '-f', '-'], JSON.stringify(headless));
  const caFile = join(workDir, 'apiserver-bench-ca.crt');
  writeFileSync(caFile, cert);
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const baseFlags = baseServeFlags(certFile, keyFile);
  const startOurs = () => startWebhook(baseFlags, { logFile: join(workDir, 'apiserver-webhook.log'), ca: () => cert, env });
  // Cold start and idle memory in kustomize/base's configuration, its watches on: the median of 5 starts,
  // and the resident memory 3 s after the last, once the watches have listed.
  const starts = [];
  for (let i = 0; i < 5; i++) {
    const started = await startOurs();
    starts.push(started.readyMs);
    if (i < 4) await stopProcess(started.child);
    else {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      figuresOut.idleRssMb = residentMb(started.child.pid);
      await stopProcess(started.child);
    }
  }
  figuresOut.coldStartMs = [...starts].sort((a, b) => a - b)[2];
  print(`  kustomize/base's flags: ready in ${figuresOut.coldStartMs.toFixed(0)} ms (median of 5), idle ${figuresOut.idleRssMb.toFixed(1)} MB`);
  const ours = await startOurs();
  const noop = await startNoop(certFile, keyFile, patch);
  const client = adminClient(kubeconfig);
  const urls = { none: undefined, noop: `https://127.0.0.1:${noop.port}`, ours: `https://127.0.0.1:${ours.port}` };
  const figures = {};
  try {
    // The labeled StatefulSet is still checked through the API server: a scale outside the policy is refused.
    register(kubeconfig, urls.ours, caFile);
    kubectl(kubeconfig, ['apply', '-f', '-'], JSON.stringify(statefulSet('checked', true)));
    let refused = false;
    for (let i = 0; i < 50 && !refused; i++) {
      refused =
        (
          await send(client, new Agent(client.tls), {
            method: 'PATCH',
            path: `/apis/apps/v1/namespaces/${namespace}/statefulsets/checked/scale`,
            contentType: 'application/merge-patch+json',
            body: '{"spec":{"replicas":40}}',
          })
        ).status === 403;
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    print(`  a labeled StatefulSet scaled to 40 through the API server with ours: ${refused ? 'refused (403)' : 'NOT refused'}`);
    figures.labeledScaleRefused = refused;
    for (let round = 0; round < rounds; round++) {
      for (const mode of modes) {
        register(kubeconfig, urls[mode], caFile);
        // The API server picks the configuration up from its informer; a short warm-up covers that and the JIT.
        await load(client, 5, 1, requests.scale);
        for (const kind of ['scale', 'create']) {
          for (const c of concurrencies) {
            // The webhook's own CPU per request: a figure the machine's other load does not move much.
            const pid = { none: undefined, noop: noop.child.pid, ours: ours.child.pid }[mode];
            const cpuBefore = pid === undefined ? 0 : cpuMicros(pid);
            const run = await load(client, c, seconds, requests[kind]);
            run.webhookCpuMicrosPerRequest = pid === undefined ? 0 : (cpuMicros(pid) - cpuBefore) / Math.max(1, run.requests);
            const slot = ((figures[kind] ??= {})[`c${c}`] ??= {});
            (slot[mode] ??= []).push(run);
          }
        }
      }
    }
  } finally {
    register(kubeconfig, undefined);
    await stopProcess(ours.child);
    await stopProcess(noop.child);
    execFileSync('bash', [join(cluster, 'webhook-up.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return { ...figuresOut, ...summarize(figures, print) };
}

/**
 * kustomize/base's `serve` flags, read from its Deployment so the bench runs what is shipped (a flag added
 * there is measured here too), with this machine's files in place of the mounted ones; the port is the
 * bench's, and no shutdown delay.
 */
function baseServeFlags(certFile, keyFile) {
  const deployment = parse(readFileSync(join(repo, 'kustomize', 'base', 'deployment.yaml'), 'utf8'));
  const [command, ...args] = deployment.spec.template.spec.containers[0].args;
  if (command !== 'serve') throw new Error(`kustomize/base/deployment.yaml: expected serve, found ${command}`);
  const local = { '/tls/tls.crt': certFile, '/tls/tls.key': keyFile, '/policies': join(repo, 'policies') };
  const flags = args.flatMap((arg, i) => (arg === '--port' || args[i - 1] === '--port' ? [] : [local[arg] ?? arg]));
  return [...flags, '--shutdown-delay-seconds', '0'];
}

/** Our mutating webhook's patch (base64) for the benchmark's labeled StatefulSet: what the no-op answers too. */
function ourPatch() {
  const review = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'size',
      kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
      resource: { group: 'apps', version: 'v1', resource: 'statefulsets' },
      namespace,
      operation: 'CREATE',
      object: statefulSet('labeled', true),
    },
  };
  const answer = reviewAdmission('mutate', review, { policies: [defaultPolicy] });
  return answer.response.patch;
}

/** Per kind and concurrency: each mode's median over the rounds, and ours against the no-op webhook. */
function summarize(figures, print) {
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const out = { labeledScaleRefused: figures.labeledScaleRefused };
  print(
    `  ${'request'.padEnd(8)} ${'conc'.padStart(4)} | ${modes.map((m) => `${m} p50/p99 ms`.padStart(20)).join(' ')} | ours/noop p50 p99 rps | webhook CPU µs/request noop ours`,
  );
  for (const kind of ['scale', 'create']) {
    out[kind] = {};
    for (const c of concurrencies) {
      const slot = figures[kind][`c${c}`];
      const m = Object.fromEntries(
        modes.map((mode) => [
          mode,
          {
            p50Ms: median(slot[mode].map((r) => r.p50Ms)),
            p99Ms: median(slot[mode].map((r) => r.p99Ms)),
            rps: median(slot[mode].map((r) => r.rps)),
            cpuMicros: median(slot[mode].map((r) => r.webhookCpuMicrosPerRequest)),
            failures: slot[mode].reduce((n, r) => n + r.failures, 0),
          },
        ]),
      );
      const ratios = { p50VsNoop: m.ours.p50Ms / m.noop.p50Ms, p99VsNoop: m.ours.p99Ms / m.noop.p99Ms, throughputVsNoop: m.ours.rps / m.noop.rps };
      out[kind][`c${c}`] = { ...m, ...ratios };
      print(
        `  ${kind.padEnd(8)} ${String(c).padStart(4)} | ${modes.map((mode) => `${m[mode].p50Ms.toFixed(1)}/${m[mode].p99Ms.toFixed(1)}`.padStart(20)).join(' ')} | ${ratios.p50VsNoop.toFixed(2)} ${ratios.p99VsNoop.toFixed(2)} ${ratios.throughputVsNoop.toFixed(2)} | ${m.noop.cpuMicros.toFixed(0)} ${m.ours.cpuMicros.toFixed(0)}${modes.some((mode) => m[mode].failures > 0) ? `  failures ${modes.map((mode) => m[mode].failures).join('/')}` : ''}`,
      );
    }
  }
  return out;
}
