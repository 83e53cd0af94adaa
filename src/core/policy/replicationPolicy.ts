// A ReplicationPolicy: every knob of the webhook, kept in git (policies/) and applied as a cluster object.

import { replicationPolicySchema } from './replicationPolicySchema.js';
import type { SchemaType } from './schemaType.js';

type SpecSchema = typeof replicationPolicySchema.properties.spec;

/** What a policy document's spec may hold: derived from the schema that ajv and the CRD enforce. */
export type ReplicationPolicySpec = SchemaType<SpecSchema>;

export type RuleName = keyof SpecSchema['properties']['rules']['properties'];
/** Every rule a policy can set to deny or warn, in the schema's order. */
export const ruleNames = Object.keys(replicationPolicySchema.properties.spec.properties.rules.properties) as RuleName[];
export type Enforcement = SchemaType<SpecSchema['properties']['rules']['properties']['replicas']>;
export type FailoverMode = NonNullable<NonNullable<ReplicationPolicySpec['failover']>['mode']>;
export type AntiAffinityMode = NonNullable<ReplicationPolicySpec['antiAffinity']>;
export type DisruptionBudgetMode = NonNullable<ReplicationPolicySpec['disruptionBudget']>;
/** Requests and limits of the exporter's container, cpu and memory, as Kubernetes quantities. */
export type ExporterResources = NonNullable<NonNullable<NonNullable<ReplicationPolicySpec['metrics']>['exporter']>['resources']>;

/** The redis_exporter sidecars: one beside the Redis on `port`, one beside the Sentinel (with Sentinel failover) on `sentinelPort`. */
export interface ExporterPolicy {
  image: string;
  port: number;
  sentinelPort: number;
  resources: ExporterResources;
}

export interface ReplicationPolicy {
  apiVersion: 'redis-replication.io/v1alpha1';
  kind: 'ReplicationPolicy';
  metadata: { name: string; [key: string]: unknown };
  spec: ReplicationPolicySpec;
}

/** A policy with every default filled in: what the rules read. */
export interface EffectivePolicy {
  name: string;
  namespaces: string[];
  priority: number;
  replicas: { min: number; max: number };
  images: { allowed: string[] };
  /** dataPath: where the data claim is mounted when the Redis container mounts none; absent: the image's data directory. */
  persistence: { required: boolean; dataPath?: string };
  antiAffinity: AntiAffinityMode;
  /** Whether check and the audit want a PodDisruptionBudget selecting a group's pods: fail, warn, or say nothing. */
  disruptionBudget: DisruptionBudgetMode;
  config: Record<string, string>;
  auth?: { secretName: string; secretKey: string };
  port: number;
  clusterDomain: string;
  leaderWaitSeconds: number;
  /** quorum absent: a majority of the replicas the StatefulSet has when its template is mutated. */
  failover: {
    mode: FailoverMode;
    sentinel: { downAfterMilliseconds: number; failoverTimeoutMilliseconds: number; quorum?: number; port: number };
  };
  /** exporter absent: no exporter sidecars (the default); the webhook removes those it added. */
  metrics: { exporter?: ExporterPolicy };
  rules: Record<RuleName, Enforcement>;
}
