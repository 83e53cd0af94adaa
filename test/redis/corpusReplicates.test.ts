import type { KubernetesObject, V1ConfigMap, V1PodSpec, V1Secret, V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { initContainerName, passwordEnv } from '../../src/rules/replicationNames.js';
import { admit, asTheMessagesSay, corpusObjects, corpusTable, statefulSetOf } from '../fixtures/corpus.js';
import type { ClusterObjects } from '../fixtures/kubelet/kubelet.js';
import { StatefulSetPods } from '../fixtures/kubelet/statefulSetPods.js';
import { assertBuilt } from '../fixtures/runVerify.js';
import { assertReplicates } from '../fixtures/kubelet/assertReplicates.js';

// "Admitted means it replicates": every corpus file the webhook admits (as the messages say) runs as
// stored, through the kubelet stand-in: its init containers, command, args and probes.
const admitted = corpusTable().filter((row) => row.asTheMessagesSay.admitted);
const namespace = 'default';

/** Stands in for the password of a Secret the repository does not hold (it is made by hand or by another tool). */
const madeUpPassword = 'corpus-secret-password';

/**
 * The objects the pods need that the repository does not hold, made up as their owners would: Secrets
 * (a password) and ConfigMaps (empty) that the pod refers to, and a node file behind a hostPath.
 */
function missingObjects(
  spec: V1PodSpec,
  objects: readonly KubernetesObject[],
): { secrets: V1Secret[]; configMaps: V1ConfigMap[]; nodeFiles: Record<string, string> } {
  const has = (kind: string, name: string | undefined) => objects.some((o) => o.kind === kind && o.metadata?.name === name);
  const secrets = new Map<string, V1Secret>();
  const configMaps = new Map<string, V1ConfigMap>();
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef;
      const name = ref?.name ?? '';
      if (ref && !has('Secret', name)) {
        const secret = secrets.get(name) ?? { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: {} };
        secret.stringData![ref.key] = madeUpPassword;
        secrets.set(name, secret);
      }
    }
    for (const source of container.envFrom ?? []) {
      const name = source.configMapRef?.name;
      if (name && !has('ConfigMap', name)) configMaps.set(name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: {} });
    }
  }
  const nodeFiles = Object.fromEntries(
    (spec.volumes ?? []).flatMap((v) => (v.hostPath?.type === 'File' ? [[v.hostPath.path, "# the node's file, not in the repository\n"]] : [])),
  );
  return { secrets: [...secrets.values()], configMaps: [...configMaps.values()], nodeFiles };
}

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

/** The group's password, as the webhook's init container gets it: from the Secret its REDIS_PASSWORD names. */
function groupPassword(stored: V1StatefulSet, cluster: ClusterObjects): string | undefined {
  const init = stored.spec!.template.spec!.initContainers!.find((c) => c.name === initContainerName)!;
  const ref = init.env?.find((e) => e.name === passwordEnv)?.valueFrom?.secretKeyRef;
  if (!ref) return undefined;
  const secret = cluster.secrets.find((s) => s.metadata?.name === ref.name)!;
  return secret.stringData?.[ref.key] ?? Buffer.from(secret.data![ref.key], 'base64').toString();
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
      const password = groupPassword(stored, cluster);
      await assertReplicates(pods, { port, label: file, ...(password === undefined ? {} : { password }) });
    } finally {
      await pods.stop();
    }
  },
  180_000,
);
