import type { V1PodDisruptionBudget, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { describeApiError, kubeConfig, orAbsent } from '../../edges/kubernetes/kubernetesClient.js';
import { configMapsToRead, type ConfigMaps } from '../../core/rules/configFileEntries.js';
import { readConfigMaps } from '../../edges/kubernetes/configMapReads.js';
import { checkClusterPolicies } from '../../core/policy/checkClusterPolicies.js';
import type { PolicyLoad } from '../../core/policy/parsePolicies.js';
import { replicationPolicyResource } from '../../core/policy/replicationPolicyResource.js';
import { enabledLabel } from '../../wire/replicationNames.js';

/**
 * What an audit reads from a cluster: the labeled StatefulSets, the Services and PodDisruptionBudgets of
 * their namespaces, the ConfigMaps holding their Redis config files, and the cluster's policies if asked.
 */
export interface ClusterState {
  statefulSets: V1StatefulSet[];
  /** The governing Service of a StatefulSet as stored, null when there is none. */
  serviceOf(sts: V1StatefulSet): V1Service | null;
  /** The ConfigMaps its Redis container mounts when its start names a config file, as `ReviewContext.configMaps`. */
  configMapsOf(sts: V1StatefulSet): ConfigMaps;
  /** The PodDisruptionBudgets of its namespace. */
  disruptionBudgetsOf(sts: V1StatefulSet): V1PodDisruptionBudget[];
  clusterPolicies?: PolicyLoad;
}

const labelSelector = `${enabledLabel.key}=${enabledLabel.value}`;

async function read<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new Error(`cannot list ${what}: ${describeApiError(error)}`, { cause: error });
  }
}

/**
 * Reads through a kubeconfig (client-node: exec plugins and all, as kubectl users have them), one list
 * per kind and namespace. `namespace` undefined: every namespace.
 */
export async function readClusterState(options: { kubeconfig?: string; namespace?: string; clusterPolicies: boolean }): Promise<ClusterState> {
  const { library, config } = await kubeConfig(options.kubeconfig);
  const apps = config.makeApiClient(library.AppsV1Api);
  const core = config.makeApiClient(library.CoreV1Api);
  const { namespace } = options;
  const where = namespace === undefined ? 'in any namespace' : `in namespace ${namespace}`;
  const statefulSets = (
    await read(`StatefulSets labeled ${labelSelector} ${where}`, () =>
      namespace === undefined
        ? apps.listStatefulSetForAllNamespaces({ labelSelector })
        : apps.listNamespacedStatefulSet({ namespace, labelSelector }),
    )
  ).items;
  const namespaces = [...new Set(statefulSets.map((s) => s.metadata?.namespace ?? 'default'))].sort();
  const services = new Map<string, V1Service>();
  const budgets = new Map<string, V1PodDisruptionBudget[]>();
  const policyApi = config.makeApiClient(library.PolicyV1Api);
  for (const ns of namespaces) {
    const listed = await read(`PodDisruptionBudgets in namespace ${ns}`, () => policyApi.listNamespacedPodDisruptionBudget({ namespace: ns }));
    budgets.set(ns, listed.items);
    for (const service of (await read(`Services in namespace ${ns}`, () => core.listNamespacedService({ namespace: ns }))).items)
      services.set(`${ns}/${service.metadata?.name ?? ''}`, service);
  }
  // Read one by one (get), not listed: only the few a Redis container mounts are needed. One that cannot be
  // read fails the audit, as a Service list that cannot be read does: a partial audit would pass silently.
  const readConfigMap = (ns: string, name: string) => orAbsent(core.readNamespacedConfigMap({ namespace: ns, name }));
  const configMaps = await Promise.all(
    statefulSets.map((sts) => {
      const ns = sts.metadata?.namespace ?? 'default';
      return readConfigMaps(readConfigMap, ns, configMapsToRead(sts), (name, error) => {
        throw new Error(`cannot read ConfigMap ${ns}/${name}: ${describeApiError(error)}`, { cause: error });
      });
    }),
  );
  const configMapsByStatefulSet = new Map(statefulSets.map((sts, i) => [sts, configMaps[i]]));
  let clusterPolicies: PolicyLoad | undefined;
  if (options.clusterPolicies) {
    const { group, version, plural } = replicationPolicyResource;
    const custom = config.makeApiClient(library.CustomObjectsApi);
    const list = (await read(`${plural}.${group}`, () => custom.listClusterCustomObject({ group, version, plural }))) as { items?: unknown[] };
    clusterPolicies = checkClusterPolicies(list.items ?? []);
  }
  return {
    statefulSets: statefulSets.sort((a, b) =>
      `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(`${b.metadata?.namespace}/${b.metadata?.name}`),
    ),
    disruptionBudgetsOf: (sts) => budgets.get(sts.metadata?.namespace ?? 'default') ?? [],
    configMapsOf: (sts) => configMapsByStatefulSet.get(sts) ?? new Map(),
    serviceOf: (sts) => services.get(`${sts.metadata?.namespace ?? 'default'}/${sts.spec?.serviceName ?? ''}`) ?? null,
    ...(clusterPolicies === undefined ? {} : { clusterPolicies }),
  };
}
