import { hostname } from 'node:os';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { CheckResult } from './checkResult.js';
import type { StatefulSetGroup } from './discoverStatefulSet.js';
import { describeApiError } from '../../edges/kubernetes/kubernetesClient.js';
import type { KubernetesApis } from './kubernetesApis.js';
import { outcomeEvent, roleLabelPatches, verifiedAnnotationPatch } from './outcomeRecord.js';
import { dataMarkerAnnotation } from '../../wire/replicationNames.js';
import type { ReplicationOutcome } from './replicationOutcome.js';

// The generated clients send JSON Patch by default; these bodies are merge patches.
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * Writes the outcome onto the cluster: role labels on the pods, the `redis-replication/verified`
 * annotation (and, after the first passing check, the data marker's), and an Event on the StatefulSet.
 * Every write is tried; the failures are reported together.
 */
export async function recordOutcome(
  apis: KubernetesApis,
  group: StatefulSetGroup,
  results: readonly CheckResult[],
  outcome: ReplicationOutcome,
  time: Date,
  marker?: string,
): Promise<void> {
  const name = group.statefulSet.metadata?.name ?? '';
  const namespace = group.statefulSet.metadata?.namespace ?? '';
  const failures: string[] = [];
  const attempt = (what: string, write: Promise<unknown>) =>
    write.catch((error: unknown) => {
      const found = describeApiError(error);
      // The label patch carries the verified pod's uid; the API server calls a different one immutable.
      const recreated = found.startsWith('HTTP 422') && found.includes('metadata.uid');
      failures.push(
        `${what}: expected the write to succeed; found ${recreated ? 'the pod recreated since it was verified (another uid), so it keeps no role label until the next check' : found}`,
      );
    });
  const labels = [...roleLabelPatches(group.members, group.pods, results)];
  await Promise.all([
    ...labels.map(([pod, body]) =>
      attempt(`pod ${namespace}/${pod} label`, apis.core.patchNamespacedPod({ name: pod, namespace, body }, mergePatch)),
    ),
    attempt(
      `StatefulSet ${namespace}/${name} annotation`,
      apis.apps.patchNamespacedStatefulSet(
        { name, namespace, body: verifiedAnnotationPatch(outcome, time, group.statefulSet.metadata?.annotations?.[dataMarkerAnnotation], marker) },
        mergePatch,
      ),
    ),
    attempt(
      `Event on StatefulSet ${namespace}/${name}`,
      apis.core.createNamespacedEvent({ namespace, body: outcomeEvent(group.statefulSet, outcome, time, hostname()) }),
    ),
  ]);
  if (failures.length > 0) throw new Error(`${failures.length} of ${labels.length + 2} writes failed:\n- ${failures.join('\n- ')}`);
}
