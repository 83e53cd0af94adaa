import type { KubernetesObject, V1ConfigMap, V1Secret, V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { initContainerName } from '../../src/rules/replicationNames.js';
import { admit, asTheMessagesSay, corpusObjects, corpusTable, groupPassword, missingObjects, statefulSetOf } from '../fixtures/corpus.js';
import type { ClusterObjects } from '../fixtures/kubelet/kubelet.js';
import { StatefulSetPods } from '../fixtures/kubelet/statefulSetPods.js';
import { assertBuilt } from '../fixtures/runVerify.js';
import { assertReplicates } from '../fixtures/kubelet/assertReplicates.js';

// "Admitted means it replicates": every corpus file the webhook admits (as the messages say) runs as
// stored, through the kubelet stand-in: its init containers, command, args and probes.
const admitted = corpusTable().filter((row) => row.asTheMessagesSay.admitted);
const namespace = 'default';

function clusterObjects(objects: readonly KubernetesObject[], stored: V1StatefulSet): ClusterObjects {
  const missing = missingObjects(stored.spec!.template.spec!, objects);
  return {
    namespace,
    secrets: [...(objects.filter((o) => o.kind === 'Secret') as V1Secret[]), ...missing.secrets],
    configMaps: [...(objects.filter((o) => o.kind === 'ConfigMap') as V1ConfigMap[]), ...missing.configMaps],
    services: objects.filter((o) => o.kind === 'Service'),
    nodeFiles: missing.nodeFiles,
  };
}

beforeAll(assertBuilt);

test('the corpus has admitted files to run', () => {
  expect(admitted.length).toBeGreaterThanOrEqual(8);
});

// Each group has pods and a network of its own, so they run side by side; mostly they wait for Redis.
test.concurrent.each(admitted)(
  '$file runs as stored, replicates, passes its readiness probes and keeps its password',
  async ({ file }) => {
    const objects = asTheMessagesSay(corpusObjects(file));
    const admission = admit(objects, namespace);
    expect(admission.verdict).toBe('allowed');
    const sts = { ...statefulSetOf(objects), metadata: { ...statefulSetOf(objects).metadata, namespace } };
    const stored = fastJsonPatch.applyPatch(structuredClone(sts), admission.patch, true, false).newDocument;
    const cluster = clusterObjects(objects, stored);
    const pods = StatefulSetPods.create(stored, cluster);
    try {
      await pods.start(60_000);
      const port = Number(
        stored.spec!.template.spec!.initContainers!.find((c) => c.name === initContainerName)!.env!.find((e) => e.name === 'REDIS_PORT')!.value,
      );
      const password = groupPassword(stored, cluster.secrets);
      await assertReplicates(pods, { port, label: file, ...(password === undefined ? {} : { password }) });
    } finally {
      await pods.stop();
    }
  },
  180_000,
);
