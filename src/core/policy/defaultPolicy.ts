import type { EffectivePolicy, ExporterPolicy } from './replicationPolicy.js';

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
  // Off by default: an exporter is a container more in every pod (a roll of every group when it comes),
  // worth it only where something scrapes it.
  metrics: {},
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

/**
 * What `metrics.exporter` fills in when a policy turns the exporter on. The image is oliver006's own
 * redis_exporter (the exporter the Bitnami chart and the Redis operators run), pinned; its entrypoint is
 * the exporter, configured by env. 9121 is redis_exporter's own port; the Sentinel's exporter needs
 * another one, 9355 unless the policy names it. The resources are what one redis_exporter needs for a
 * single Redis (Debian's v1.45: 12 MiB resident after a few scrapes) with room, and no CPU limit, so a
 * scrape is never throttled into a timeout.
 */
export const defaultExporter: ExporterPolicy = {
  image: 'oliver006/redis_exporter:v1.62.0',
  port: 9121,
  sentinelPort: 9355,
  resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
};
