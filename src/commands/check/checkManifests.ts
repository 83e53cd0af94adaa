import type { KubernetesObject, V1ConfigMap, V1PodDisruptionBudget, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import type { Operation as PatchOperation } from 'fast-json-patch';
import { isReplicationEnabled, type ClusterObjects } from '../../core/admission/reviewAdmission.js';
import type { EffectivePolicy } from '../../core/policy/replicationPolicy.js';
import { configMapsToRead } from '../../core/rules/configFileEntries.js';
import { admitStatefulSet } from './admitStatefulSet.js';
import { disruptionBudgetResult, type DisruptionBudgetResult } from '../../core/audit/disruptionBudgetResult.js';
import { selectPolicy } from '../../core/policy/selectPolicy.js';
import type { ManifestObject } from './parseManifests.js';

export type CheckVerdict = 'allowed' | 'warned' | 'denied' | 'not ours';

/** One StatefulSet of the input and what admission would do with it. */
export interface StatefulSetCheck {
  where: string;
  namespace: string;
  name: string;
  verdict: CheckVerdict;
  message?: string;
  warnings: string[];
  patch: PatchOperation[];
  /**
   * Whether a PodDisruptionBudget of the input selects its pods, as its policy's `disruptionBudget` asks;
   * absent for one denied or not ours, or when the policy says off. Not part of the admission verdict.
   */
  disruptionBudget?: DisruptionBudgetResult;
}

export interface CheckReport {
  source: string;
  statefulSets: StatefulSetCheck[];
  /** Objects of other kinds, counted by kind: the webhook never sees them. */
  ignored: Record<string, number>;
}

function isStatefulSet(object: KubernetesObject): boolean {
  return object.kind === 'StatefulSet' && object.apiVersion?.split('/')[0] === 'apps';
}

/** By kind; a StatefulSet of another API group (e.g. OpenKruise's) with its apiVersion, so it is not mistaken for a checked one. */
function ignoredKind(object: KubernetesObject): string {
  return object.kind === 'StatefulSet' ? `StatefulSet (${object.apiVersion ?? ''})` : (object.kind ?? '');
}

function checkStatefulSet(
  sts: V1StatefulSet,
  where: string,
  namespace: string,
  policies: readonly EffectivePolicy[],
  known: ClusterObjects,
): StatefulSetCheck {
  const name = sts.metadata?.name ?? '(unnamed)';
  if (!isReplicationEnabled(sts)) return { where, namespace, name, verdict: 'not ours', warnings: [], patch: [] };
  const admission = admitStatefulSet(sts, namespace, policies, known);
  const verdict = !admission.allowed ? 'denied' : admission.warnings.length > 0 ? 'warned' : 'allowed';
  const selection = selectPolicy(policies, namespace, sts.metadata?.annotations);
  const budget =
    admission.allowed && selection.ok
      ? disruptionBudgetResult({ ...sts, metadata: { ...sts.metadata, namespace } }, selection.policy.disruptionBudget, known.disruptionBudgets ?? [])
      : undefined;
  return {
    where,
    namespace,
    name,
    verdict,
    ...(admission.message !== undefined ? { message: admission.message } : {}),
    warnings: admission.warnings,
    patch: admission.patch,
    ...(budget ? { disruptionBudget: budget } : {}),
  };
}

/**
 * Every StatefulSet of a manifest stream through admission, as if created in an empty cluster that
 * holds the stream's other objects: its governing Service is the one in the stream, or none; so are the
 * ConfigMaps its Redis container mounts, whose config file the rules then read, and the
 * PodDisruptionBudgets that may select its pods.
 * `defaultNamespace` stands in for `kubectl apply -n` for objects that name no namespace.
 */
export function checkManifests(
  source: string,
  objects: readonly ManifestObject[],
  policies: readonly EffectivePolicy[],
  defaultNamespace: string,
): CheckReport {
  const report: CheckReport = { source, statefulSets: [], ignored: {} };
  // An empty namespace is no namespace, for kubectl as for the API server.
  const namespaceOf = (object: KubernetesObject) => object.metadata?.namespace || defaultNamespace;
  const ofKind = (kind: string) => objects.filter(({ object }) => object.kind === kind && object.apiVersion === 'v1').map(({ object }) => object);
  const services = ofKind('Service') as V1Service[];
  const inputConfigMaps = ofKind('ConfigMap') as V1ConfigMap[];
  const inputDisruptionBudgets = objects
    .filter(({ object }) => object.kind === 'PodDisruptionBudget' && object.apiVersion === 'policy/v1')
    .map(({ object }) => object as V1PodDisruptionBudget);
  for (const { where, object } of objects) {
    if (isStatefulSet(object)) {
      const sts = object as V1StatefulSet;
      const namespace = namespaceOf(sts);
      const serviceName = sts.spec?.serviceName;
      const service = services.find((s) => s.metadata?.name === serviceName && namespaceOf(s) === namespace) ?? null;
      const configMaps = new Map(
        configMapsToRead(sts).map((name) => [name, inputConfigMaps.find((c) => c.metadata?.name === name && namespaceOf(c) === namespace) ?? null]),
      );
      const disruptionBudgets = inputDisruptionBudgets.filter((budget) => namespaceOf(budget) === namespace);
      report.statefulSets.push(checkStatefulSet(sts, where, namespace, policies, { service, configMaps, disruptionBudgets }));
    } else {
      const kind = ignoredKind(object);
      report.ignored[kind] = (report.ignored[kind] ?? 0) + 1;
    }
  }
  return report;
}

export function checkPassed(report: CheckReport): boolean {
  return report.statefulSets.every((s) => s.verdict !== 'denied' && s.disruptionBudget?.outcome !== 'fail');
}
