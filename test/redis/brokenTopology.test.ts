import { RedisGroup } from '../fixtures/redisGroup.js';
import { freePort } from '../fixtures/backgroundProcess.js';
import { assertBuilt, runVerify } from '../fixtures/runVerify.js';

// Each test starts a healthy group from the injected init script, breaks one thing, and expects
// verify to exit 1 naming the member, what was expected and what was found. This file's members live
// on 127.0.0.5-7, a stranger Redis on 127.0.0.8; each group gets a free port of its own.
const hosts = ['127.0.0.5', '127.0.0.6', '127.0.0.7'];
const strangerHost = '127.0.0.8';
// Short: a broken group never heals, so verify spends the whole timeout before it answers.
const timeout = ['--timeout', '2'];

const groups: RedisGroup[] = [];
async function renderGroup(options: { password?: string; hosts?: string[] } = {}): Promise<RedisGroup> {
  // No 5 s wait to batch replicas: the tests that need links up get them sooner.
  const group = await RedisGroup.render({ hosts, port: await freePort(), config: { 'repl-diskless-sync-delay': '0' }, ...options });
  groups.push(group);
  return group;
}

/** A standalone Redis that is not part of the group, on the group's port. */
async function startStranger(port: number): Promise<RedisGroup> {
  const stranger = await RedisGroup.render({ hosts: [strangerHost], port });
  groups.push(stranger);
  await stranger.start();
  return stranger;
}

async function send(group: RedisGroup, ordinal: number, ...command: string[]): Promise<void> {
  const [name, ...args] = command;
  const client = group.client(ordinal);
  try {
    await client.call(name, ...args);
  } finally {
    client.disconnect();
  }
}

beforeAll(assertBuilt);
afterAll(async () => {
  await Promise.all(groups.map((g) => g.stop()));
});

test('pod 0 is a replica', async () => {
  const group = await renderGroup();
  await group.start();
  await startStranger(group.members[0].port);
  await send(group, 0, 'REPLICAOF', strangerHost, String(group.members[0].port));
  const run = await runVerify(['--endpoints', group.endpoints(), ...timeout]);
  expect(run.code).toBe(1);
  const leader = group.endpoints([0]);
  expect(run.stdout).toContain(
    `FAIL ${leader} leader-role: expected role master (pod 0 is the leader); found role replica of ${strangerHost}:${group.members[0].port}`,
  );
}, 30_000);

test('a follower follows the wrong leader', async () => {
  const group = await renderGroup();
  await group.start();
  const port = group.members[0].port;
  await startStranger(port);
  await send(group, 2, 'REPLICAOF', strangerHost, String(port));
  const run = await runVerify(['--endpoints', group.endpoints(), ...timeout, '--output', 'json']);
  expect(run.code).toBe(1);
  const report = JSON.parse(run.stdout) as {
    result: string;
    checks: { check: string; member: string; status: string; expected: string; found: string }[];
  };
  expect(report.result).toBe('failed');
  expect(report.checks.filter((c) => c.status === 'failed')).toContainEqual({
    check: 'follows-leader',
    member: group.endpoints([2]),
    status: 'failed',
    expected: `master ${group.endpoints([0])} (${hosts[0]}) port ${port}`,
    found: `master ${strangerHost}:${port}`,
  });
  expect(report.checks).toContainEqual(expect.objectContaining({ check: 'leader-replicas', status: 'failed', found: 'connected_slaves:1' }));
}, 30_000);

test("a follower's link is down", async () => {
  const group = await renderGroup({ password: 'group-secret' });
  await group.start();
  await group.waitForLinks();
  // The follower keeps following pod 0, but can no longer log in to it.
  await send(group, 1, 'CONFIG', 'SET', 'masterauth', 'not-the-secret');
  await send(group, 1, 'CLIENT', 'KILL', 'TYPE', 'master');
  const run = await runVerify(['--endpoints', group.endpoints(), ...timeout], { REDIS_PASSWORD: 'group-secret' });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(`pass ${group.endpoints([1])} follows-leader`);
  expect(run.stdout).toContain(`FAIL ${group.endpoints([1])} link-up: expected master_link_status:up; found master_link_status:down`);
}, 60_000);

test('a follower is missing: a listed member unreachable until the timeout is a replication failure', async () => {
  const group = await renderGroup();
  await group.start([0, 1]);
  const run = await runVerify(['--endpoints', group.endpoints(), ...timeout]);
  expect(run.code).toBe(1);
  const missing = group.endpoints([2]);
  expect(run.stdout).toContain(`FAIL ${missing} reachable: expected a Redis server answering at ${missing}; found connect ECONNREFUSED ${missing}`);
  expect(run.stdout).toContain(`FAIL ${group.endpoints([0])} leader-replicas: expected connected_slaves:2; found connected_slaves:1`);
  expect(run.stderr).toContain('waiting, retrying until the timeout');
  expect(run.elapsedMs).toBeGreaterThanOrEqual(2000);
}, 30_000);

test('the leader is unreachable', async () => {
  const group = await renderGroup();
  await group.start([1, 2]);
  const run = await runVerify(['--endpoints', group.endpoints(), ...timeout]);
  expect(run.code).toBe(1);
  const leader = group.endpoints([0]);
  expect(run.stdout).toContain(`FAIL ${leader} reachable: expected a Redis server answering at ${leader}; found connect ECONNREFUSED ${leader}`);
  expect(run.stdout).toContain(`FAIL ${group.endpoints([1])} link-up: expected master_link_status:up; found master_link_status:down`);
}, 30_000);

test('usage errors exit 2 before connecting anywhere', async () => {
  // The flag parsing itself is unit-tested in members.test.ts; these prove the exit code and the channel.
  const usages = [[], ['--endpoints', 'a:0'], ['--endpoints', 'a:1', '--statefulset', 'x'], ['--endpoints', 'a:1', '--timeout', 'soon'], ['--bogus']];
  const runs = await Promise.all(usages.map((args) => runVerify(args)));
  runs.forEach((run, i) => {
    expect({ args: usages[i], code: run.code, stderr: run.stderr }).toEqual({
      args: usages[i],
      code: 2,
      stderr: expect.stringMatching(/^redis-replication-webhook verify: /),
    });
  });
}, 30_000);
