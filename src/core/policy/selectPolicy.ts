import type { EffectivePolicy } from './replicationPolicy.js';

import { policyAnnotation } from '../../wire/replicationNames.js';

export type Selection = { ok: true; policy: EffectivePolicy } | { ok: false; error: string };

/**
 * Which policy governs a StatefulSet:
 * 1. the annotation `redis-replication/policy: NAME`, when present, names it exactly, among the policies
 *    that apply to the namespace (so nobody escapes their namespace's policy by naming a laxer one);
 * 2. otherwise a policy that lists the namespace beats one that applies to all namespaces;
 * 3. then the higher `spec.priority`, then the name in alphabetical order (so the choice is stable).
 */
export function selectPolicy(policies: readonly EffectivePolicy[], namespace: string, annotations: Record<string, string> | undefined): Selection {
  const candidates = policies.filter((p) => p.namespaces.length === 0 || p.namespaces.includes(namespace));
  const wanted = annotations?.[policyAnnotation];
  if (wanted !== undefined) {
    const named = candidates.find((p) => p.name === wanted);
    if (named) return { ok: true, policy: named };
    const allowed = candidates.map((p) => p.name).join(', ') || 'none';
    return {
      ok: false,
      error: `metadata.annotations["${policyAnnotation}"]: found "${wanted}"; allowed: a policy for namespace "${namespace}" (${allowed})`,
    };
  }
  candidates.sort(
    (a, b) => Number(b.namespaces.length > 0) - Number(a.namespaces.length > 0) || b.priority - a.priority || a.name.localeCompare(b.name),
  );
  const chosen = candidates[0];
  if (chosen) return { ok: true, policy: chosen };
  const covered = [...new Set(policies.flatMap((p) => p.namespaces))].join(', ');
  return { ok: false, error: `metadata.namespace: found "${namespace}"; allowed: a namespace a policy applies to (${covered})` };
}
