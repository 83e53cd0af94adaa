import type { EffectivePolicy } from './replicationPolicy.js';

/**
 * The built-in policy: what a cluster gets with no policy files at all. A policy file fills only the
 * fields it names; the rest come from here.
 */
export const defaultPolicy: EffectivePolicy = {
  name: 'default',
  namespaces: [],
  priority: 0,
  // 1 pod is not replication; more than 9 is almost always a typo.
  replicas: { min: 2, max: 9 },
  images: { allowed: ['redis', 'valkey/valkey', 'bitnami/redis'] },
  // The data path is the image's own (/data; /bitnami/redis/data for bitnami/redis) unless a policy names one.
  persistence: { required: true },
  antiAffinity: 'preferred',
  // A warning: a drain without one may evict the leader and its followers together, but a platform may
  // add budgets its own way, or later.
  disruptionBudget: 'recommended',
  config: {
    'replica-read-only': 'yes',
    // Without a password Redis refuses clients from other pods in protected mode.
    'protected-mode': 'no',
    'repl-diskless-sync': 'yes',
  },
  port: 6379,
  clusterDomain: 'cluster.local',
  leaderWaitSeconds: 120,
  // Off by default: Sentinel changes what clients must do (ask a Sentinel, or the leader Service that
  // follows it), needs 3 members, and makes a leader refuse writes when no follower is in sync; a group
  // already running must opt in, not find its behaviour changed by an upgrade of the webhook.
  failover: { mode: 'none', sentinel: { downAfterMilliseconds: 5000, failoverTimeoutMilliseconds: 30000, port: 26379 } },
  rules: {
    replicas: 'deny',
    serviceName: 'deny',
    podManagementPolicy: 'deny',
    image: 'deny',
    replicaof: 'deny',
    persistence: 'deny',
    start: 'deny',
    configFile: 'deny',
    clusterMode: 'deny',
    sentinel: 'deny',
    tls: 'deny',
    auth: 'deny',
  },
};
