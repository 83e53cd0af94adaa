import fc from 'fast-check';
import type { V1ConfigMap, V1Secret, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { Redis } from 'ioredis';
import { checkManifests } from '../../src/check/checkManifests.js';
import { defaultPolicy } from '../../src/policy/defaultPolicy.js';
import type { EffectivePolicy } from '../../src/policy/replicationPolicy.js';
import { StatefulSetPods } from '../fixtures/kubelet/statefulSetPods.js';
import { assertBuilt, runVerify } from '../fixtures/runVerify.js';
import { startVariant, type StartVariant } from '../fixtures/startVariants.js';

// "Admitted means it replicates" beyond the corpus: generated StatefulSets in the start forms the webhook
// wires, each run as stored by the kubelet stand-in. Each case starts a whole group, so the runs are few;
// a failure prints fast-check's seed and the case.
const namespace = 'default';
const numRuns = 6;

async function replicates(variant: StartVariant): Promise<void> {
  const policy: EffectivePolicy = { ...defaultPolicy, ...(variant.policyAuth ? { auth: { secretName: 'variant-auth', secretKey: 'REDIS_PASSWORD' } } : {}) };
  const report = checkManifests('variant', variant.objects.map((object, i) => ({ where: `document ${i + 1}`, object })), [policy], namespace);
  const admission = report.statefulSets[0]!;
  if (admission.verdict !== 'allowed') throw new Error(`${variant.description}: expected it admitted; found ${admission.verdict}: ${admission.message ?? admission.warnings.join('\n')}`);
  const sts = { ...(variant.objects[0] as V1StatefulSet), metadata: { ...variant.objects[0]!.metadata, namespace } };
  const stored = fastJsonPatch.applyPatch(structuredClone(sts), admission.patch, true, false).newDocument;
  const pods = StatefulSetPods.create(stored, {
    namespace,
    secrets: variant.objects.filter((o) => o.kind === 'Secret') as V1Secret[],
    configMaps: variant.objects.filter((o) => o.kind === 'ConfigMap') as V1ConfigMap[],
    services: variant.objects.filter((o) => o.kind === 'Service') as V1Service[],
  });
  try {
    await pods.start(60_000).catch((error: Error) => {
      throw new Error(`${variant.description}: ${error.message}`);
    });
    const run = await runVerify(
      ['--endpoints', pods.endpoints(variant.port), '--leader-alias', `variant-0.variant-headless.${namespace}.svc.cluster.local`, '--timeout', '60'],
      variant.password === undefined ? {} : { REDIS_PASSWORD: variant.password },
    );
    if (run.code !== 0) throw new Error(`${variant.description}: verify exited ${run.code}:\n${run.stdout}${run.stderr}\n${pods.logs()}`);
    for (const pod of pods.pods) {
      if (!(await pod.probe('redis', 'readinessProbe'))) throw new Error(`${variant.description}: ${pod.name}'s readiness probe fails after verify passed`);
    }
    if (variant.password !== undefined) {
      const anonymous = new Redis({ host: pods.pods[0]!.address, port: variant.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      // The refusal is the expected answer; ioredis would also report it as an unhandled error event.
      anonymous.on('error', () => undefined);
      try {
        await expect(anonymous.set('variant-anonymous-write', 'x')).rejects.toThrow(/NOAUTH/);
      } finally {
        anonymous.disconnect();
      }
    }
  } finally {
    await pods.stop();
  }
}

beforeAll(assertBuilt);

test('generated StatefulSets in every start form the webhook wires replicate as stored', async () => {
  const seen: string[] = [];
  await fc.assert(
    fc.asyncProperty(startVariant, async (variant) => {
      seen.push(variant.description);
      await replicates(variant);
    }),
    { numRuns, endOnFailure: true },
  );
  console.info(`start variants run:\n  ${seen.join('\n  ')}`);
}, numRuns * 90_000);

test('a bitnami/redis group configured by env, with its password from a Secret, replicates as stored', async () => {
  const [variant] = fc.sample(startVariant.filter((v) => v.description.startsWith('bitnami/redis') && v.password !== undefined && !v.policyAuth), { numRuns: 1, seed: 42 });
  await replicates(variant!);
}, 90_000);
