import { defaultExporter, defaultPolicy } from './defaultPolicy.js';
import type { EffectivePolicy, ReplicationPolicy } from './replicationPolicy.js';

/** Fills every field the policy document leaves out from the built-in policy. */
export function effectivePolicy(doc: ReplicationPolicy): EffectivePolicy {
  const spec = doc.spec;
  const base = defaultPolicy;
  return {
    name: doc.metadata.name,
    namespaces: spec.namespaces ?? [],
    priority: spec.priority ?? 0,
    replicas: { ...base.replicas, ...spec.replicas },
    images: { allowed: spec.images?.allowed ?? base.images.allowed },
    persistence: { ...base.persistence, ...spec.persistence },
    antiAffinity: spec.antiAffinity ?? base.antiAffinity,
    disruptionBudget: spec.disruptionBudget ?? base.disruptionBudget,
    config: { ...base.config, ...spec.config },
    ...(spec.auth?.secretName ? { auth: { secretName: spec.auth.secretName, secretKey: spec.auth.secretKey ?? 'password' } } : {}),
    port: spec.port ?? base.port,
    clusterDomain: spec.clusterDomain ?? base.clusterDomain,
    leaderWaitSeconds: spec.leaderWaitSeconds ?? base.leaderWaitSeconds,
    failover: { mode: spec.failover?.mode ?? base.failover.mode, sentinel: { ...base.failover.sentinel, ...spec.failover?.sentinel } },
    // Resources are taken whole when given: merged with the default, a lower limit would fall below its request.
    metrics: spec.metrics?.exporter ? { exporter: { ...defaultExporter, ...spec.metrics.exporter } } : {},
    rules: { ...base.rules, ...spec.rules },
  };
}
