// A ReplicationPolicy: every knob of the webhook, kept in git (policies/) and applied as a cluster object.

export const ruleNames = [
  'replicas',
  'serviceName',
  'podManagementPolicy',
  'image',
  'replicaof',
  'persistence',
  'start',
  'configFile',
  'clusterMode',
  'sentinel',
  'tls',
  'auth',
] as const;
export type RuleName = (typeof ruleNames)[number];
export type Enforcement = 'deny' | 'warn';
export type AntiAffinityMode = 'preferred' | 'required' | 'none';

export interface ReplicationPolicySpec {
  /** Namespaces this policy applies to; empty or absent means every namespace. */
  namespaces?: string[];
  /** Higher wins among policies that match a namespace equally specifically. */
  priority?: number;
  replicas?: { min?: number; max?: number };
  images?: { allowed?: string[] };
  persistence?: { required?: boolean; dataPath?: string };
  antiAffinity?: AntiAffinityMode;
  /** redis.conf defaults (`key: value`); the user's own keys win. */
  config?: Record<string, string>;
  auth?: { secretName?: string; secretKey?: string };
  port?: number;
  clusterDomain?: string;
  leaderWaitSeconds?: number;
  rules?: Partial<Record<RuleName, Enforcement>>;
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
  config: Record<string, string>;
  auth?: { secretName: string; secretKey: string };
  port: number;
  clusterDomain: string;
  leaderWaitSeconds: number;
  rules: Record<RuleName, Enforcement>;
}
