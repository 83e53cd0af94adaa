import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { admitStatefulSet } from '../../src/commands/check/admitStatefulSet.js';
import { defaultPolicy } from '../../src/core/policy/defaultPolicy.js';
import { expressibleRules, validatingAdmissionPolicies } from '../../src/core/admission/validatingAdmissionPolicy.js';
import { corpusObjects, corpusTable, statefulSetOf } from '../fixtures/corpus.js';
import { eventually } from '../fixtures/eventually.js';
import { kubectl, kubectlOk } from '../fixtures/kubectl.js';
import { sampleStatefulSet } from '../fixtures/statefulSet.js';

// The ValidatingAdmissionPolicies exported from the policies (policies export --format vap), enforced by the
// real API server with the webhook unregistered, as while it is down: on every corpus file and on sample
// manifests, the API server refuses exactly when the webhook refuses for a rule the policies express, and
// names one of those rules (it reports the first failing validation).
const cluster = fileURLToPath(new URL('../cluster/', import.meta.url));
const ns = `e2e-vap-${process.pid}`;
const policies = validatingAdmissionPolicies([defaultPolicy]);
const list = (items: readonly unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });

/** The rules the webhook's core refuses the StatefulSet for, among those the policies express. */
function webhookRules(sts: V1StatefulSet): string[] {
  const admission = admitStatefulSet(sts, ns, [defaultPolicy]);
  const rules = [...(admission.message ?? '').matchAll(/\[rule (\w+)\]/g)].map((m) => m[1]);
  return [...new Set(rules)].filter((rule) => (expressibleRules as readonly string[]).includes(rule));
}

/** What the API server makes of the StatefulSet with only the ValidatingAdmissionPolicies in place. */
async function apiServerVerdict(sts: V1StatefulSet): Promise<{ denied: boolean; rule?: string; message: string }> {
  const result = await kubectl(['apply', '--dry-run=server', '-n', ns, '-f', '-'], list([{ ...sts, metadata: { ...sts.metadata, namespace: ns } }]));
  const rule = /ValidatingAdmissionPolicy 'redis-replication\.default'.*denied request: .*\[rule (\w+)\]/.exec(result.stderr)?.[1];
  return { denied: result.code !== 0, ...(rule ? { rule } : {}), message: result.stderr };
}

beforeAll(async () => {
  await kubectlOk(['create', 'namespace', ns]);
  await kubectlOk(['delete', 'mutatingwebhookconfiguration,validatingwebhookconfiguration', 'redis-replication-webhook', '--ignore-not-found']);
  await kubectlOk(['apply', '-f', '-'], list(policies));
  // The API server takes the policies up from its informer: wait until an oversized StatefulSet is refused.
  await eventually(
    async () => ((await apiServerVerdict(sampleStatefulSet({ replicas: 40 }))).denied ? true : undefined),
    30_000,
    'the policies to be enforced',
  );
}, 60_000);

afterAll(async () => {
  await kubectl(['delete', '-f', '-'], list(policies));
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  // The webhook registered again, for the test files after this one.
  execFileSync('bash', [`${cluster}webhook-up.sh`], { stdio: ['ignore', 'ignore', 'inherit'] });
}, 60_000);

const samples: [string, V1StatefulSet][] = [
  ['a valid group', sampleStatefulSet()],
  ['one replica', sampleStatefulSet({ replicas: 1 })],
  ['no serviceName', { ...sampleStatefulSet(), spec: { ...sampleStatefulSet().spec!, serviceName: '' } }],
  ['Parallel pods', { ...sampleStatefulSet(), spec: { ...sampleStatefulSet().spec!, podManagementPolicy: 'Parallel' } }],
];
const redisArgs = (args: string[], image = 'redis:7.2'): V1StatefulSet => {
  const sts = sampleStatefulSet();
  Object.assign(sts.spec!.template.spec!.containers[0], { image, args });
  return sts;
};
samples.push(
  ['an image from a mirror', redisArgs([], 'public.ecr.aws/docker/library/redis:7.2')],
  ['an image that is not allowed', redisArgs([], 'someone/redis:7')],
  ['replicaof in the arguments', redisArgs(['--replicaof', 'other', '6379'])],
  ['Redis Cluster', redisArgs(['--cluster-enabled', 'yes'])],
  ['TLS only', redisArgs(['--port', '0', '--tls-port', '6379'])],
);

const corpus: [string, V1StatefulSet][] = corpusTable().map(({ file }) => [file, statefulSetOf(corpusObjects(file))]);

test.each([...samples, ...corpus])(
  '%s: refused by the API server alone exactly when the webhook refuses for a rule the policies express',
  async (_name, sts) => {
    const expected = webhookRules(sts);
    const verdict = await apiServerVerdict(sts);
    expect({ denied: verdict.denied, ruleIsTheWebhooks: verdict.rule === undefined || expected.includes(verdict.rule) }).toEqual({
      denied: expected.length > 0,
      ruleIsTheWebhooks: true,
    });
    if (verdict.denied) expect(verdict.rule).toBeDefined();
  },
  30_000,
);
