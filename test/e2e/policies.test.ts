import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { fileURLToPath } from 'node:url';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { kubectl, kubectlOk, testNamespaces } from '../fixtures/kubectl.js';
import { eventually } from '../fixtures/eventually.js';
import { replicationGroupYaml } from '../fixtures/manifest.js';
import { webhookUrl } from '../fixtures/webhookPolicies.js';

// ReplicationPolicy objects in a real cluster (test/cluster/): the webhook runs with
// --watch-cluster-policies and validates the objects themselves (validate-policy.redis-replication.io).
// Each test works in a namespace of its own and removes the policy objects it created.

const registerWebhook = fileURLToPath(new URL('../cluster/register-webhook.mjs', import.meta.url));
const webhookCa = fileURLToPath(new URL('../../.cluster/webhook/ca.crt', import.meta.url));
// The webhook sees a change within about a second; "within seconds" with room for a busy machine.
const inForceMs = 10_000;

const namespaces = testNamespaces('e2e-policies');
const namespace = () => namespaces.create();
const policyNames = new Set<string>();

function policyYaml(name: string, spec: Record<string, unknown>): string {
  policyNames.add(name);
  return stringify({ apiVersion: 'redis-replication.io/v1alpha1', kind: 'ReplicationPolicy', metadata: { name }, spec });
}

function webhookGet(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${webhookUrl()}${path}`, { ca: readFileSync(webhookCa) }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

interface Readiness {
  policies: string[];
  policyErrors: string[];
}

async function readiness(): Promise<Readiness> {
  return JSON.parse(await webhookGet('/readyz')) as Readiness;
}

async function reloadFailures(): Promise<number> {
  const line = (await webhookGet('/metrics'))
    .split('\n')
    .find((l) => l.startsWith('redis_replication_webhook_policy_reloads_total{result="failure"}'));
  return Number(line?.split(' ')[1] ?? 0);
}

/** What the API server answers to a labeled StatefulSet of `replicas`, without storing it. */
async function admit(ns: string, replicas: number): Promise<{ allowed: boolean; stderr: string; policy?: string }> {
  const result = await kubectl(
    ['apply', '--dry-run=server', '-o', 'json', '-f', '-'],
    replicationGroupYaml(ns, 'cache', (s) => (s.spec!.replicas = replicas)),
  );
  if (result.code !== 0) return { allowed: false, stderr: result.stderr };
  const items = (JSON.parse(result.stdout) as { items: V1StatefulSet[] }).items;
  const sts = items.find((i) => i.kind === 'StatefulSet')!;
  const policy = /policy=(\S+)$/.exec(sts.metadata!.annotations!['redis-replication/mutated-by'])?.[1];
  return { allowed: true, stderr: result.stderr, ...(policy ? { policy } : {}) };
}

afterAll(async () => {
  for (const name of policyNames) await kubectl(['delete', 'replicationpolicy', name, '--ignore-not-found']);
  await namespaces.deleteAll();
});

describe('ReplicationPolicy objects govern admission', () => {
  test('an applied policy is in force within seconds; once deleted, the default is back', async () => {
    const ns = await namespace();
    const name = `e2e-small-${process.pid}`;
    expect(await admit(ns, 4)).toMatchObject({ allowed: true, policy: 'default' });

    const applied = Date.now();
    await kubectlOk(['apply', '-f', '-'], policyYaml(name, { namespaces: [ns], replicas: { min: 2, max: 3 } }));
    const denied = await eventually(
      async () => {
        const answer = await admit(ns, 4);
        return answer.allowed ? undefined : answer;
      },
      inForceMs,
      'the policy object to be in force',
    );
    process.stdout.write(`policy object in force after ${Date.now() - applied} ms\n`);
    expect(denied.stderr).toContain('denied the request');
    expect(denied.stderr).toMatch(/spec\.replicas: found 4; allowed 2 to 3\b.*\[rule replicas\]/);
    expect(await admit(ns, 3)).toMatchObject({ allowed: true, policy: name });
    expect((await readiness()).policies).toContain(name);

    await kubectlOk(['delete', 'replicationpolicy', name]);
    await eventually(async () => ((await admit(ns, 4)).allowed ? true : undefined), inForceMs, 'the default policy to be back');
    expect(await admit(ns, 4)).toMatchObject({ allowed: true, policy: 'default' });
    expect((await readiness()).policies).not.toContain(name);
  }, 60_000);

  test('a policy object replaces the policy file of the same name', async () => {
    const ns = await namespace();
    // policies/caches.yaml applies to the `caches` namespace only; the object moves it to this one.
    await kubectlOk(['apply', '-f', '-'], policyYaml('caches', { namespaces: [ns], replicas: { max: 3 } }));
    const denied = await eventually(
      async () => {
        const answer = await admit(ns, 4);
        return answer.allowed ? undefined : answer;
      },
      inForceMs,
      'the caches object to replace the caches file',
    );
    // Deny, not the file's `rules: {replicas: warn}`: the object replaces the file's policy whole.
    expect(denied.stderr).toMatch(/spec\.replicas: found 4; allowed 2 to 3\b.*\[rule replicas\]/);

    await kubectlOk(['delete', 'replicationpolicy', 'caches']);
    await eventually(async () => ((await admit(ns, 4)).policy === 'default' ? true : undefined), inForceMs, 'the caches file to be back');
  }, 60_000);
});

describe('broken ReplicationPolicy objects', () => {
  test('are refused by kubectl with the messages a policy file gets, every error at once', async () => {
    const name = `e2e-broken-${process.pid}`;
    const result = await kubectl(['apply', '-f', '-'], policyYaml(name, { replicas: { min: 5, max: 3 }, config: { replicaof: 'elsewhere 6379' } }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('admission webhook "validate-policy.redis-replication.io" denied the request');
    expect(result.stderr).toContain(`ReplicationPolicy ${name} is not a valid policy`);
    expect(result.stderr).toContain('spec.replicas: min 5 is greater than max 3');
    expect(result.stderr).toContain('spec.config.replicaof: the webhook sets the leader itself; remove this key');
    expect((await kubectl(['get', 'replicationpolicy', name])).stderr).toContain('NotFound');

    // An update that would break a stored policy is refused the same way.
    await kubectlOk(['apply', '-f', '-'], policyYaml(name, { replicas: { min: 2, max: 3 } }));
    const update = await kubectl(['patch', 'replicationpolicy', name, '--type=merge', '-p', '{"spec":{"replicas":{"min":4}}}']);
    expect(update.code).not.toBe(0);
    expect(update.stderr).toContain('spec.replicas: min 4 is greater than max 3');
    await kubectlOk(['delete', 'replicationpolicy', name]);
  }, 30_000);

  test('one that gets past the webhook keeps the last good policies in force and shows in /readyz', async () => {
    const ns = await namespace();
    const good = `e2e-good-${process.pid}`;
    const bad = `e2e-bad-${process.pid}`;
    await kubectlOk(['apply', '-f', '-'], policyYaml(good, { namespaces: [ns], replicas: { max: 3 } }));
    await eventually(async () => ((await admit(ns, 4)).allowed ? undefined : true), inForceMs, 'the good policy to be in force');
    const failuresBefore = await reloadFailures();

    // As if the policy webhook were not registered yet (a first install, a manual apply around it).
    const registration = await kubectlOk(['get', 'validatingwebhookconfiguration', 'redis-replication-webhook', '-o', 'json']);
    const index = (JSON.parse(registration) as { webhooks: { name: string }[] }).webhooks.findIndex(
      (w) => w.name === 'validate-policy.redis-replication.io',
    );
    const unregister = [
      { op: 'test', path: `/webhooks/${index}/name`, value: 'validate-policy.redis-replication.io' },
      { op: 'remove', path: `/webhooks/${index}` },
    ];
    await kubectlOk(['patch', 'validatingwebhookconfiguration', 'redis-replication-webhook', '--type=json', '-p', JSON.stringify(unregister)]);
    try {
      // The CRD schema admits it: it cannot say min <= max.
      await kubectlOk(['apply', '-f', '-'], policyYaml(bad, { namespaces: [ns], replicas: { min: 5, max: 3 } }));
      const shown = await eventually(
        async () => {
          const { policyErrors } = await readiness();
          return policyErrors.length > 0 ? policyErrors : undefined;
        },
        inForceMs,
        'the error to show in /readyz',
      );
      expect(shown).toEqual([`ReplicationPolicy ${bad}: spec.replicas: min 5 is greater than max 3`]);
      expect(await reloadFailures()).toBeGreaterThan(failuresBefore);
      // The set before the bad object stays whole: the good policy, and no trace of the bad one.
      expect((await readiness()).policies).toEqual(expect.arrayContaining([good]));
      expect((await readiness()).policies).not.toContain(bad);
      expect((await admit(ns, 4)).stderr).toContain('allowed 2 to 3');

      await kubectlOk(['delete', 'replicationpolicy', bad]);
      await eventually(async () => ((await readiness()).policyErrors.length === 0 ? true : undefined), inForceMs, 'the error to clear');
    } finally {
      const manifests = execFileSync('node', [registerWebhook, webhookUrl(), webhookCa], { encoding: 'utf8' });
      await kubectlOk(['apply', '-f', '-'], manifests);
    }
    await kubectlOk(['delete', 'replicationpolicy', good]);
  }, 60_000);
});
