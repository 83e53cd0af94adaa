import fc from 'fast-check';
import type { V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { checkManifests } from '../../src/commands/check/checkManifests.js';
import { defaultPolicy } from '../../src/core/policy/defaultPolicy.js';
import type { EffectivePolicy } from '../../src/core/policy/replicationPolicy.js';
import { StatefulSetPods } from '../fixtures/kubelet/statefulSetPods.js';
import { assertBuilt } from '../fixtures/runVerify.js';
import { assertReplicates } from '../fixtures/kubelet/assertReplicates.js';
import { startVariant, type StartVariant } from '../fixtures/startVariants.js';

// "Admitted means it replicates" beyond the corpus: generated StatefulSets in the start forms the webhook
// wires, each run as stored by the kubelet stand-in. Each case starts a whole group, so the runs are few;
// a failure prints fast-check's seed and the case.
const namespace = 'default';
const numRuns = 6;

async function replicates(variant: StartVariant): Promise<void> {
  const policy: EffectivePolicy = {
    ...defaultPolicy,
    ...(variant.policyAuth ? { auth: { secretName: 'variant-auth', secretKey: 'REDIS_PASSWORD' } } : {}),
  };
  const report = checkManifests(
    'variant',
    variant.objects.map((object, i) => ({ where: `document ${i + 1}`, object })),
    [policy],
    namespace,
  );
  const admission = report.statefulSets[0];
  if (admission.verdict !== 'allowed')
    throw new Error(
      `${variant.description}: expected it admitted; found ${admission.verdict}: ${admission.message ?? admission.warnings.join('\n')}`,
    );
  const sts = { ...(variant.objects[0] as V1StatefulSet), metadata: { ...variant.objects[0].metadata, namespace } };
  const stored = fastJsonPatch.applyPatch(structuredClone(sts), admission.patch, true, false).newDocument;
  const pods = StatefulSetPods.create(stored, {
    namespace,
    secrets: variant.objects.filter((o) => o.kind === 'Secret'),
    configMaps: variant.objects.filter((o) => o.kind === 'ConfigMap'),
    services: variant.objects.filter((o) => o.kind === 'Service'),
  });
  try {
    await pods.start(60_000).catch((error: Error) => {
      throw new Error(`${variant.description}: ${error.message}`);
    });
    await assertReplicates(pods, {
      port: variant.port,
      label: variant.description,
      ...(variant.password === undefined ? {} : { password: variant.password }),
    });
  } finally {
    await pods.stop();
  }
}

beforeAll(assertBuilt);

test(
  'generated StatefulSets in every start form the webhook wires replicate as stored',
  async () => {
    const seen: string[] = [];
    await fc.assert(
      fc.asyncProperty(startVariant, async (variant) => {
        seen.push(variant.description);
        await replicates(variant);
      }),
      { numRuns, endOnFailure: true },
    );
    console.info(`start variants run:\n  ${seen.join('\n  ')}`);
  },
  numRuns * 90_000,
);

test('a bitnami/redis group configured by env, with its password from a Secret, replicates as stored', async () => {
  const [variant] = fc.sample(
    startVariant.filter((v) => v.description.startsWith('bitnami/redis') && v.password !== undefined && !v.policyAuth),
    { numRuns: 1, seed: 42 },
  );
  await replicates(variant);
}, 90_000);
