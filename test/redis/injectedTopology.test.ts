import { RedisGroup } from '../fixtures/redisGroup.js';
import { freePort } from '../fixtures/backgroundProcess.js';
import { assertBuilt, runVerify } from '../fixtures/runVerify.js';

// Real redis-servers, configured by the init script the webhook injects. This file's members live on
// 127.0.0.2-4; each group gets a free port of its own.
const hosts = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
// Spaces, quotes, a backslash, a dollar sign and newlines (inside and trailing, as a Secret made from a
// file has): the script must quote it for redis.conf, not the shell, and keep every byte.
const password = 'pa ss"word\\with$chars\nand a second line\n';

const groups: RedisGroup[] = [];
async function startGroup(options: { password?: string; config?: Record<string, string> } = {}): Promise<RedisGroup> {
  const group = await RedisGroup.render({ hosts, port: await freePort(), ...options });
  groups.push(group);
  await group.start();
  return group;
}

beforeAll(assertBuilt);
afterAll(async () => {
  await Promise.all(groups.map((g) => g.stop()));
});

describe('a group configured by the injected init script replicates', () => {
  let open: RedisGroup;
  beforeAll(async () => {
    open = await startGroup();
  });

  test('verify --endpoints passes every check and exits 0', async () => {
    const run = await runVerify(['--endpoints', open.endpoints(), '--timeout', '30']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`redis-replication verify endpoints ${open.endpoints()}: PASSED`);
    expect(run.stdout).not.toMatch(/FAIL|skip/);
    for (const check of [
      'leader-role',
      'leader-replicas',
      'follows-leader',
      'link-up',
      'sync-finished',
      'canary-replicated',
      'canary-removed',
      'data-kept',
    ]) {
      expect(run.stdout).toContain(check);
    }
    expect(run.stdout).toContain('connected_slaves:2');
  }, 60_000);

  test('--output json reports every check; the canary key is gone afterwards, the data marker stays', async () => {
    const run = await runVerify(['--endpoints', open.endpoints(), '--timeout', '30', '--output', 'json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      result: string;
      members: { name: string }[];
      checks: { check: string; member: string; status: string; found: string }[];
    };
    expect(report.result).toBe('passed');
    expect(report.members.map((m) => m.name)).toEqual(open.endpoints().split(','));
    expect(report.checks.every((c) => c.status === 'passed')).toBe(true);
    expect(report.checks.filter((c) => c.check === 'canary-replicated').map((c) => c.member)).toEqual(open.endpoints([1, 2]).split(','));
    // The first run above set the marker; this one found it (with --endpoints nothing records it).
    expect(report.checks.find((c) => c.check === 'data-kept')).toMatchObject({
      status: 'passed',
      found: expect.stringContaining('set before, not recorded') as string,
    });
    const leader = open.client(0);
    try {
      expect(await leader.keys('*')).toEqual(['redis-replication:data-marker']);
    } finally {
      leader.disconnect();
    }
  }, 60_000);

  test('a password the servers do not require is a usage error: exit 2', async () => {
    const run = await runVerify(['--endpoints', open.endpoints(), '--timeout', '30'], { REDIS_PASSWORD: 'unneeded' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('has no password configured');
  }, 60_000);
});

describe('with the policy auth, requirepass and masterauth come from REDIS_PASSWORD', () => {
  let secured: RedisGroup;
  beforeAll(async () => {
    // The first group proved the built-in config; here Redis need not wait 5 s to batch replicas.
    secured = await startGroup({ password, config: { 'repl-diskless-sync-delay': '0' } });
  });

  test('verify with REDIS_PASSWORD passes and exits 0, never printing the password', async () => {
    const run = await runVerify(['--endpoints', secured.endpoints(), '--timeout', '30'], { REDIS_PASSWORD: password });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PASSED');
    expect(run.stdout + run.stderr).not.toContain(password);
  }, 60_000);

  test('a wrong password exits 2 at once, naming the member', async () => {
    const run = await runVerify(['--endpoints', secured.endpoints(), '--timeout', '30'], { REDIS_PASSWORD: 'wrong-secret' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${secured.endpoints([0])} (${secured.endpoints([0])}): expected the password in REDIS_PASSWORD to be accepted; found it rejected (WRONGPASS)`,
    );
    expect(run.stdout + run.stderr).not.toContain('wrong-secret');
    expect(run.elapsedMs).toBeLessThan(10_000);
  }, 60_000);

  test('no password at all exits 2, saying REDIS_PASSWORD is missing', async () => {
    const run = await runVerify(['--endpoints', secured.endpoints(), '--timeout', '30', '--output', 'json']);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as { result: string; error: string };
    expect(report).toEqual({ result: 'error', error: expect.stringContaining('expected REDIS_PASSWORD to be set') });
  }, 60_000);
});
