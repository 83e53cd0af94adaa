// `npm run bench [-- --duration SECONDS] [-- --json FILE]`: the webhook's speed on this machine against
// the physical limit (a bare node:https server), with the core's CPU time, cold start and memory.
// Not a test: it prints figures and checks them against the targets (see docs/performance.md).
import { cpus, loadavg, release, totalmem, tmpdir } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selfSignedCertificate } from '../dist/edges/http/selfSignedCertificate.js';
import { defaultPolicy, reviewAdmission } from '../dist/index.js';
import { benchmarkReviews, sizes } from './admissionReviews.mjs';
import { apiserverScale } from './apiserverScale.mjs';
import { coldStart } from './coldStart.mjs';
import { functionColdStart } from './functionColdStart.mjs';
import { coreMicrobenchmark } from './coreMicrobenchmark.mjs';
import { leaderLabelerScale } from './leaderLabelerScale.mjs';
import { loadFigures } from './loadFigures.mjs';
import { cpuMicros, residentMb, runLoad, startBareServer, startWebhook, stopProcess } from './processes.mjs';
import { shippedNodeOptions } from './shippedNodeOptions.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    json: { type: 'string' },
    apiserver: { type: 'boolean', default: false },
    'leader-labels': { type: 'boolean', default: false },
  },
});
const durationSeconds = Number(values.duration);
if (!(durationSeconds > 0)) throw new Error(`--duration: found "${values.duration}"; allowed a number of seconds above 0`);
const connections = 10;
const fixedRate = 1000;
const targets = { ratio: 0.8, fixedRateP99Ms: 5, coreMicros: 100, coldStartMs: 300, rssMb: 100 };

const workDir = mkdtempSync(join(tmpdir(), 'rrw-bench-'));
const { cert, key } = selfSignedCertificate({ dns: ['localhost'], ips: ['127.0.0.1'] });
const certFile = join(workDir, 'tls.crt');
const keyFile = join(workDir, 'tls.key');
writeFileSync(certFile, cert);
writeFileSync(keyFile, key);

const reviews = benchmarkReviews();
const requestsFor = (names) =>
  names.flatMap((size) =>
    ['mutate', 'validate'].map((endpoint) => ({
      method: 'POST',
      path: `/${endpoint}`,
      headers: { 'content-type': 'application/json' },
      body: reviews[size][endpoint].body,
    })),
  );

// The bare server answers each request with what the webhook answers to it, byte for byte in size.
const answers = {};
for (const size of sizes) {
  for (const endpoint of ['mutate', 'validate']) {
    const { review, body } = reviews[size][endpoint];
    answers[`/${endpoint} ${Buffer.byteLength(body)}`] = JSON.stringify(reviewAdmission(endpoint, review, { policies: [defaultPolicy] }));
  }
}
const answersFile = join(workDir, 'answers.json');
writeFileSync(answersFile, JSON.stringify(answers));

const scenarios = [
  { name: 'mixed sizes, keep-alive', sizes, headline: true },
  { name: 'small, keep-alive', sizes: ['small'] },
  { name: 'medium, keep-alive', sizes: ['medium'] },
  { name: 'large, keep-alive', sizes: ['large'] },
  { name: 'mixed, new connection every 10 requests', sizes, reconnectRate: 10 },
  // autocannon times no request on a connection it resets, so this one has throughput only.
  { name: 'mixed, new connection every request', sizes, reconnectRate: 1 },
];

const fmt = (n, digits = 2) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));
const print = (line = '') => process.stdout.write(line + '\n');

/**
 * Each server gets the same load for `durationSeconds` in total, in two alternating halves, so a
 * change in what else runs on the machine weighs on all of them alike. Returns figures per server.
 */
async function measure(servers, settings) {
  const runs = new Map(servers.map((s) => [s.name, { runs: [], cpu: 0 }]));
  for (let half = 0; half < 2; half++) {
    for (const server of servers) {
      const entry = runs.get(server.name);
      const before = cpuMicros(server.pid);
      entry.runs.push(await runLoad({ url: `https://127.0.0.1:${server.port}`, connections, durationSeconds: durationSeconds / 2, ...settings }));
      entry.cpu += cpuMicros(server.pid) - before;
    }
  }
  return Object.fromEntries([...runs].map(([name, { runs: done, cpu }]) => [name, loadFigures(done, cpu)]));
}

function machine() {
  return {
    cpuModel: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    kernel: release(),
    node: process.version,
  };
}

async function main() {
  const m = machine();
  print(
    `machine: ${m.cpuModel} x${m.cores}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node.js ${m.node}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  print(`${durationSeconds} s per server and scenario (two alternating halves), ${connections} connections; work dir ${workDir}`);
  print(`servers run with NODE_OPTIONS="${shippedNodeOptions()}" (the Dockerfile's)`);

  print('\ncore (in-process reviewAdmission, CPU µs per review):');
  const core = coreMicrobenchmark(reviews);
  for (const size of sizes)
    print(`  ${size.padEnd(7)} mutate ${fmt(core[size].mutate, 1)}  validate ${fmt(core[size].validate, 1)}  both ${fmt(core[size].both, 1)}`);

  print('\ncold start (spawn to first 200 from /readyz, median of 7):');
  const cold = await coldStart({ workDir, certFile, keyFile, cert, runs: 7 });
  print(`  certificate files      ${fmt(cold.withFiles.medianMs, 0)} ms (min ${fmt(cold.withFiles.minMs, 0)}, max ${fmt(cold.withFiles.maxMs, 0)})`);
  print(
    `  generated dev cert     ${fmt(cold.withDevCertificate.medianMs, 0)} ms (min ${fmt(cold.withDevCertificate.minMs, 0)}, max ${fmt(cold.withDevCertificate.maxMs, 0)})`,
  );

  const functionCold = functionColdStart(7);
  print(
    `  function bundle         ${fmt(functionCold.importToAnswerMs, 0)} ms from import to first answer (Fetch handler), ${fmt(functionCold.processToAnswerMs, 0)} ms from process start`,
  );

  const webhook = await startWebhook(['--tls-cert-file', certFile, '--tls-private-key-file', keyFile, '--shutdown-delay-seconds', '0'], {
    logFile: join(workDir, 'webhook.log'),
    ca: () => cert,
  });
  const bare = await startBareServer({ certFile, keyFile, answersFile, parse: false });
  const bareParsing = await startBareServer({ certFile, keyFile, answersFile, parse: true });
  const ours = { name: 'ours', port: webhook.port, pid: webhook.child.pid };
  const theirs = { name: 'bare', port: bare.port, pid: bare.child.pid };
  const parsing = { name: 'bare+parse', port: bareParsing.port, pid: bareParsing.child.pid };
  const rssMbIdle = residentMb(ours.pid);
  // Resident memory is sampled through every load run from here on; the peak is reported.
  let rssMbUnderLoad = rssMbIdle;
  const sampler = setInterval(() => (rssMbUnderLoad = Math.max(rssMbUnderLoad, residentMb(ours.pid))), 100);

  // One short run each first, so all are measured with their JIT warm.
  for (const server of [ours, theirs, parsing]) {
    await runLoad({
      url: `https://127.0.0.1:${server.port}`,
      connections,
      durationSeconds: Math.min(3, durationSeconds),
      requests: requestsFor(sizes),
    });
  }

  print('\nthroughput, latency and server CPU per request (ours vs bare node:https):');
  print(`  ${'scenario'.padEnd(40)}     ours rps  p50 ms  p99 ms p99.9 ms CPU µs |  bare rps  p50 ms  p99 ms p99.9 ms CPU µs | ratio`);
  const results = [];
  for (const scenario of scenarios) {
    const settings = { requests: requestsFor(scenario.sizes), reconnectRate: scenario.reconnectRate };
    const figures = await measure(scenario.headline ? [ours, theirs, parsing] : [ours, theirs], settings);
    const ratio = figures.ours.rps / figures.bare.rps;
    results.push({ scenario: scenario.name, headline: scenario.headline === true, ...figures, ratio });
    const cols = (r) =>
      `${fmt(r.rps, 0).padStart(9)} ${fmt(r.p50Ms).padStart(7)} ${fmt(r.p99Ms).padStart(7)} ${fmt(r.p999Ms).padStart(8)} ${fmt(r.cpuMicrosPerRequest, 0).padStart(6)}`;
    print(`  ${scenario.name.padEnd(40)} ${cols(figures.ours)} | ${cols(figures.bare)} | ${fmt(ratio)}`);
    if (figures['bare+parse'])
      print(
        `  ${'  (bare server that also JSON.parses)'.padEnd(40)} ${cols(figures['bare+parse'])} | ratio ours/it ${fmt(figures.ours.rps / figures['bare+parse'].rps)}`,
      );
    for (const [name, f] of Object.entries(figures)) {
      if (f.failures.errors + f.failures.timeouts + f.failures.non2xx > 0) print(`    failures (${name}): ${JSON.stringify(f.failures)}`);
    }
  }

  // autocannon paces per connection and per second: each connection sends its share back to back at the
  // start of every second. With 10 connections that is a burst 10 deep; with 2, closer to what an API
  // server needs for this rate (at well under 1 ms an answer, requests rarely overlap).
  print(`\nfixed rate: ${fixedRate} requests/s (autocannon overallRate), mixed sizes, keep-alive:`);
  const fixed = await measure([ours, theirs], { requests: requestsFor(sizes), overallRate: fixedRate });
  const fixedFew = await measure([ours, theirs], { requests: requestsFor(sizes), overallRate: fixedRate, connections: 2 });
  for (const [label, figures] of [
    [`${connections} connections`, fixed],
    ['2 connections', fixedFew],
  ]) {
    for (const name of ['ours', 'bare']) {
      const f = figures[name];
      print(
        `  ${label.padEnd(15)} ${name} p50 ${fmt(f.p50Ms)} ms  p99 ${fmt(f.p99Ms)} ms  p99.9 ${fmt(f.p999Ms)} ms  (${fmt(f.rps, 0)} rps, ${fmt(f.cpuMicrosPerRequest, 0)} CPU µs per request)`,
      );
    }
  }

  clearInterval(sampler);
  print(`\nresident memory of the webhook: idle ${fmt(rssMbIdle, 1)} MB, peak under load ${fmt(rssMbUnderLoad, 1)} MB`);
  await Promise.all([webhook.child, bare.child, bareParsing.child].map(stopProcess));

  const headline = results.find((r) => r.headline);
  const checks = [
    ['throughput ratio ours/bare (mixed, keep-alive)', headline.ratio, `>= ${targets.ratio}`, headline.ratio >= targets.ratio],
    [
      `p99 at ${fixedRate} requests/s, ${connections} connections (ms)`,
      fixed.ours.p99Ms,
      `< ${targets.fixedRateP99Ms}`,
      fixed.ours.p99Ms < targets.fixedRateP99Ms,
    ],
    [
      `p99 at ${fixedRate} requests/s, 2 connections (ms)`,
      fixedFew.ours.p99Ms,
      `< ${targets.fixedRateP99Ms}`,
      fixedFew.ours.p99Ms < targets.fixedRateP99Ms,
    ],
    ...sizes.map((s) => [
      `core µs per admission (mutate + validate), ${s}`,
      core[s].both,
      `< ${targets.coreMicros}`,
      core[s].both < targets.coreMicros,
    ]),
    ['cold start, certificate files (ms)', cold.withFiles.medianMs, `< ${targets.coldStartMs}`, cold.withFiles.medianMs < targets.coldStartMs],
    [
      'cold start, generated dev cert (ms)',
      cold.withDevCertificate.medianMs,
      `< ${targets.coldStartMs}`,
      cold.withDevCertificate.medianMs < targets.coldStartMs,
    ],
    ['memory under load (MB)', rssMbUnderLoad, `< ${targets.rssMb}`, rssMbUnderLoad < targets.rssMb],
  ];
  print('\ntargets:');
  for (const [name, value, target, met] of checks) print(`  ${met ? 'met   ' : 'MISSED'} ${name}: ${fmt(value)} (target ${target})`);

  if (values.json) {
    const pick = (f) => ({ rps: f.rps, p50Ms: f.p50Ms, p99Ms: f.p99Ms, p999Ms: f.p999Ms, cpuMicrosPerRequest: f.cpuMicrosPerRequest });
    const figures = {
      machine: { ...m, loadAverage: loadavg() },
      nodeOptions: shippedNodeOptions(),
      durationSeconds,
      connections,
      ours: pick(headline.ours),
      bare: pick(headline.bare),
      bareParsing: pick(headline['bare+parse']),
      ratio: headline.ratio,
      scenarios: results.map((r) => ({ scenario: r.scenario, ours: pick(r.ours), bare: pick(r.bare), ratio: r.ratio })),
      fixedRate: {
        requestsPerSecond: fixedRate,
        connections,
        ours: pick(fixed.ours),
        bare: pick(fixed.bare),
        twoConnections: { ours: pick(fixedFew.ours), bare: pick(fixedFew.bare) },
      },
      coreMicrosPerReview: core,
      coldStartMs: { certificateFiles: cold.withFiles.medianMs, devCertificate: cold.withDevCertificate.medianMs, functionBundle: functionCold },
      rssMbIdle,
      rssMbUnderLoad,
      targetsMet: Object.fromEntries(checks.map(([name, , , met]) => [name, met])),
    };
    writeFileSync(values.json, JSON.stringify(figures, null, 2) + '\n');
    print(`\nfigures written to ${values.json}`);
  }
}

/**
 * `--apiserver`: the webhook's cost to every client of the API server, through the local control plane,
 * against the no-op webhook (bench/apiserverScale.mjs). Targets: unlabeled scale within 1.2x of the no-op
 * webhook's p50 and p99 at every concurrency, labeled create within 1.1x.
 */
async function apiserverMain() {
  const m = machine();
  print(
    `machine: ${m.cpuModel} x${m.cores}, ${m.memoryGiB} GiB, Node.js ${m.node}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const seconds = Math.max(3, durationSeconds / 4);
  print(`\nthrough the API server (local control plane), ${seconds} s per run, modes alternating in 3 rounds, medians:`);
  const apiserver = await apiserverScale({ workDir, certFile, keyFile, cert, seconds, rounds: 3, print });
  const checks = ['scale', 'create'].flatMap((kind) =>
    Object.entries(apiserver[kind]).flatMap(([c, f]) => {
      const bound = kind === 'scale' ? 1.2 : 1.1;
      return [
        [`${kind} ${c} p50 ours/no-op`, f.p50VsNoop, `<= ${bound}`, f.p50VsNoop <= bound],
        [`${kind} ${c} p99 ours/no-op`, f.p99VsNoop, `<= ${bound}`, f.p99VsNoop <= bound],
      ];
    }),
  );
  checks.push(['labeled scale outside the policy refused', apiserver.labeledScaleRefused ? 1 : 0, '= 1', apiserver.labeledScaleRefused]);
  checks.push([
    "cold start with kustomize/base's flags (ms)",
    apiserver.coldStartMs,
    `< ${targets.coldStartMs}`,
    apiserver.coldStartMs < targets.coldStartMs,
  ]);
  checks.push(["idle memory with kustomize/base's flags (MB)", apiserver.idleRssMb, `< ${targets.rssMb}`, apiserver.idleRssMb < targets.rssMb]);
  print('\ntargets:');
  for (const [name, value, target, met] of checks) print(`  ${met ? 'met   ' : 'MISSED'} ${name}: ${fmt(value)} (target ${target})`);
  if (values.json) {
    writeFileSync(
      values.json,
      JSON.stringify(
        { machine: { ...m, loadAverage: loadavg() }, apiserver, targetsMet: Object.fromEntries(checks.map(([n, , , met]) => [n, met])) },
        null,
        2,
      ) + '\n',
    );
    print(`\nfigures written to ${values.json}`);
  }
}

/** `--leader-labels`: the leader labels over 200 groups (600 Sentinels, stood in), against their targets. */
async function leaderLabelsMain() {
  const f = await leaderLabelerScale({ groups: 200, switches: 20 });
  print(`leader labels: ${f.groups} groups, ${f.sentinels} Sentinels followed (bench/sentinelStandIn.mjs), the API in memory`);
  print(`  every group labeled at the start  ${fmt(f.labeledAllMs, 0)} ms (${fmt(f.startCpuMs, 0)} ms CPU)`);
  print(`  at rest, following every Sentinel ${fmt(f.idleCpuPercent, 2)} % of a core, RSS ${fmt(f.rssMb, 0)} MB, heap ${fmt(f.heapUsedMb, 0)} MB`);
  print(`  +switch-master to leader label     p50 ${fmt(f.moveP50Ms, 0)} ms, max ${fmt(f.moveMaxMs, 0)} ms over ${f.switches} switches`);
  const checks = [
    ['label moved after a switch, max (ms)', f.moveMaxMs, '< 1000', f.moveMaxMs < 1000],
    ['CPU at rest (% of a core)', f.idleCpuPercent, '< 1', f.idleCpuPercent < 1],
  ];
  print('\ntargets:');
  for (const [name, value, target, met] of checks) print(`  ${met ? 'met   ' : 'MISSED'} ${name}: ${fmt(value)} (target ${target})`);
}

await (values['leader-labels'] ? leaderLabelsMain() : values.apiserver ? apiserverMain() : main());
