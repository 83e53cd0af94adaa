// Starting and watching the processes the benchmark measures.
import { fork, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { request } from 'node:https';
import { fileURLToPath } from 'node:url';
import { shippedNodeOptions } from './shippedNodeOptions.mjs';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
/** Both servers run as the image runs ours. */
const env = { ...process.env, NODE_OPTIONS: shippedNodeOptions() };

/** A port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * `node dist/cli.js serve` with the image's NODE_OPTIONS, logging as it does in production: to a file,
 * as a container runtime would collect it (a pipe to this process would put the log's cost on another
 * core). Resolves once /readyz answers 200, polled every 2 ms as a kubelet would (only faster), with the
 * time that took.
 */
export async function startWebhook(args, { logFile, ca, env: extraEnv = {} }) {
  const port = await freePort();
  const log = openSync(logFile, 'a');
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'serve', '--port', String(port), '--host', '127.0.0.1', ...args], {
    stdio: ['ignore', log, log],
    env: { ...env, ...extraEnv },
  });
  closeSync(log);
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`webhook exited with ${child.exitCode}; see ${logFile}`);
    const status = await httpsGet(port, '/readyz', ca()).catch(() => 0);
    if (status === 200) return { child, port, readyMs: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export function startBareServer(settings) {
  const child = fork(fileURLToPath(new URL('./bareServer.mjs', import.meta.url)), { stdio: 'inherit', env });
  child.send(settings);
  return new Promise((resolve) => child.once('message', ({ port }) => resolve({ child, port })));
}

/** One autocannon run in a child process. */
export function runLoad(settings) {
  const child = fork(fileURLToPath(new URL('./loadGenerator.mjs', import.meta.url)), { stdio: 'inherit' });
  child.send(settings);
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
  });
}

export function stopProcess(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** CPU time (user + system) a process has used so far, in microseconds, from the kernel's own account. */
export function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Resident memory of a process in MB, from the kernel's own account. */
export function residentMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

export function httpsGet(port, path, ca) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}
