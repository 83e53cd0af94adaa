import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { exporterPortName, sentinelExporterPortName } from '../../src/wire/replicationNames.js';
import { eventually } from '../fixtures/eventually.js';
import { kubectlOk, testNamespaces } from '../fixtures/kubectl.js';
import { replicationGroupYaml } from '../fixtures/manifest.js';
import { podsReady } from '../fixtures/nodePods.js';
import { policyObject } from '../fixtures/policyObject.js';
import { webhookPolicies } from '../fixtures/webhookPolicies.js';

// metrics.exporter through the API server and on the real node: a group with Sentinel failover and a
// password Secret gets a redis_exporter beside each member's Redis and beside its Sentinel, from the
// node's redis_exporter image (Debian's prometheus-redis-exporter), and each one, scraped at the pod's IP
// on its named port, reads its own Redis or Sentinel with the group's password from the Secret.

const namespaces = testNamespaces('e2e-exporter');
const policyName = `e2e-exporter-${process.pid}`;
const policyFile = () => join(process.env.RRW_POLICIES_DIR!, `${policyName}.yaml`);
const selector = 'app.kubernetes.io/name=cache';

afterAll(async () => {
  rmSync(policyFile(), { force: true });
  await namespaces.deleteAll();
}, 60_000);

const portOf = (pod: V1Pod, portName: string) =>
  pod.spec!.containers.flatMap((c: V1Container) => c.ports ?? []).find((p) => p.name === portName)!.containerPort;

async function scrape(pod: V1Pod, portName: string): Promise<string> {
  const answer = await fetch(`http://${pod.status!.podIP!}:${portOf(pod, portName)}/metrics`, { signal: AbortSignal.timeout(5_000) });
  return answer.text();
}

test('every member serves its Redis and its Sentinel metrics, read with the Secret password', async () => {
  const ns = await namespaces.create();
  writeFileSync(
    policyFile(),
    stringify(
      policyObject(policyName, {
        namespaces: [ns],
        auth: { secretName: 'cache-auth', secretKey: 'password' },
        failover: { mode: 'sentinel', sentinel: { downAfterMilliseconds: 2000, failoverTimeoutMilliseconds: 10000 } },
        metrics: { exporter: {} },
      }),
    ),
  );
  await eventually(async () => ((await webhookPolicies()).includes(policyName) ? true : undefined), 15_000, `the webhook to load ${policyName}`);
  await kubectlOk(['create', 'secret', 'generic', 'cache-auth', '-n', ns, '--from-literal=password=two words $and "quotes"']);
  await kubectlOk(['apply', '-f', '-'], replicationGroupYaml(ns, 'cache'));
  const pods = await podsReady(ns, selector, 3, 180_000);

  const roles = await eventually(
    async () => {
      const found = await Promise.all(
        pods.map(async (pod) => {
          const text = await scrape(pod, exporterPortName).catch(() => '');
          return /^redis_up 1$/m.test(text) ? /^redis_instance_info\{.*role="(\w+)"/m.exec(text)?.[1] : undefined;
        }),
      );
      return found.every((role) => role !== undefined) ? found.sort() : undefined;
    },
    60_000,
    "every member's exporter reading its Redis",
  );
  expect(roles).toEqual(['master', 'slave', 'slave']);

  for (const pod of pods) {
    const sentinel = await eventually(
      async () => {
        const text = await scrape(pod, sentinelExporterPortName).catch(() => '');
        return /^redis_up 1$/m.test(text) && /^redis_sentinel_masters 1$/m.test(text) ? text : undefined;
      },
      60_000,
      `${pod.metadata!.name!}'s Sentinel exporter`,
    );
    expect(sentinel).toMatch(/^redis_sentinel_master_status\{.*master_name="cache".*\} 1$/m);
  }
}, 300_000);
