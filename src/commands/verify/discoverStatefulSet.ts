import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { describeApiError } from '../../edges/kubernetes/kubernetesClient.js';
import type { KubernetesApis } from './kubernetesApis.js';
import { labelSelectorQuery } from '../../edges/kubernetes/labelSelectorQuery.js';
import type { Member } from './member.js';
import { statefulSetMembers, type StatefulSetMemberOptions } from './statefulSetMembers.js';

export interface StatefulSetGroup {
  statefulSet: V1StatefulSet;
  pods: V1Pod[];
  members: Member[];
}

/** Reads the StatefulSet and its pods. API failures reject: without them there is nothing to check. */
export async function discoverStatefulSet(apis: KubernetesApis, name: string, options: StatefulSetMemberOptions): Promise<StatefulSetGroup> {
  const { namespace } = options;
  const statefulSet = await apis.apps.readNamespacedStatefulSet({ name, namespace }).catch((error: unknown) => {
    throw new Error(`StatefulSet ${namespace}/${name}: expected to read it; found ${describeApiError(error)}`);
  });
  if (statefulSet.spec?.replicas === 0) throw new Error(`StatefulSet ${namespace}/${name}: expected spec.replicas of 1 or more; found 0`);
  const labelSelector = labelSelectorQuery(statefulSet.spec?.selector);
  const pods = await apis.core.listNamespacedPod({ namespace, labelSelector }).catch((error: unknown) => {
    throw new Error(`pods of StatefulSet ${namespace}/${name} (${labelSelector}): expected to list them; found ${describeApiError(error)}`);
  });
  return { statefulSet, pods: pods.items, members: statefulSetMembers(statefulSet, pods.items, options) };
}
