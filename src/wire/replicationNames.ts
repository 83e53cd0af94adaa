// Names the webhook reads from users and writes into their objects. Changing any of them breaks
// idempotence for objects mutated by an earlier version, so they are fixed here in one place.

export const enabledLabel = { key: 'redis-replication', value: 'enabled' } as const;
export const userConfigAnnotation = 'redis-replication/config';
export const allowDataLossAnnotation = 'redis-replication/allow-data-loss';
export const mutatedByAnnotation = 'redis-replication/mutated-by';
/** Names the policy for a StatefulSet, among those of its namespace. */
export const policyAnnotation = 'redis-replication/policy';
/** Written by `verify`: the pod's role (a Service can select the leader) and the StatefulSet's last outcome. */
export const roleLabel = 'redis-replication/role';
export const verifiedAnnotation = 'redis-replication/verified';
/**
 * Written by `verify`: a key it sets once on the leader (no expiry) and whose value it keeps in the
 * annotation, so a later check notices a group whose data is gone (a leader restarted empty, its followers
 * resynced from it).
 */
export const dataMarkerKey = 'redis-replication:data-marker';
export const dataMarkerAnnotation = 'redis-replication/data-marker';
export const initContainerName = 'redis-replication-init';
/** The Sentinel the webhook adds to every pod of a group whose policy chooses `failover.mode: sentinel`. */
export const sentinelContainerName = 'redis-replication-sentinel';
export const sentinelPortName = 'sentinel';
/**
 * A Sentinel user with no password that may only ask who the master is: what the webhook's leader
 * labels need, without the group's password.
 */
export const sentinelObserverUser = 'redis-replication-observer';
/** Kept on the data volume (when there is one): it is the member's record of the last master it knew. */
export const sentinelConfigFileName = 'redis-replication-sentinel.conf';
/**
 * The redis_exporter the webhook adds beside each member's Redis, and with Sentinel failover beside its
 * Sentinel, when the policy sets `metrics.exporter`. The redis-monitoring component's PodMonitor selects
 * these container and port names.
 */
export const exporterContainerName = 'redis-replication-exporter';
export const exporterPortName = 'metrics';
export const sentinelExporterContainerName = 'redis-replication-sentinel-exporter';
export const sentinelExporterPortName = 'sentinelmetrics';
export const configVolumeName = 'redis-replication-config';
export const configDir = '/etc/redis-replication';
export const configFile = `${configDir}/redis.conf`;
export const redisPortName = 'redis';
/** On the objects the webhook itself creates (exported policies, audit reports), so they can be listed and pruned. */
export const managedByLabel = { key: 'app.kubernetes.io/managed-by', value: 'redis-replication-webhook' } as const;
/** The audit's PolicyReport, one per namespace that holds labeled StatefulSets. */
export const policyReportName = 'redis-replication';

// Environment variables the webhook sets on its init container and the Redis container; the role script
// and the probes read them.
export const podNameEnv = 'POD_NAME';
export const leaderHostEnv = 'REDIS_LEADER_HOST';
export const portEnv = 'REDIS_PORT';
export const bindEnv = 'REDIS_BIND';
export const dataDirEnv = 'REDIS_DATA_DIR';
export const configFileEnv = 'REDIS_CONFIG_FILE';
export const leaderWaitEnv = 'REDIS_LEADER_WAIT_SECONDS';
export const replicationConfigEnv = 'REDIS_REPLICATION_CONFIG';
export const passwordEnv = 'REDIS_PASSWORD';
/** redis-cli reads the password from it, so the probes never put it on a command line. */
export const cliPasswordEnv = 'REDISCLI_AUTH';
// With failover.mode sentinel, the init container also reads these.
export const failoverEnv = 'REDIS_FAILOVER';
/** `<serviceName>.<namespace>.svc.<clusterDomain>`: a member's DNS name is `<pod>.` followed by it. */
export const memberDomainEnv = 'REDIS_MEMBER_DOMAIN';
/** The replicas at the template's last mutation: the peers a starting member asks. */
export const membersEnv = 'REDIS_MEMBERS';
export const sentinelPortEnv = 'REDIS_SENTINEL_PORT';
export const sentinelMasterEnv = 'REDIS_SENTINEL_MASTER';
export const sentinelQuorumEnv = 'REDIS_SENTINEL_QUORUM';
/** The Sentinel settings of the policy, as sentinel.conf lines. */
export const sentinelSettingsEnv = 'REDIS_SENTINEL_SETTINGS';
export const sentinelConfigFileEnv = 'REDIS_SENTINEL_CONFIG_FILE';
/** The user's own config file, which the rendered one includes: also the record of it once the start is rewired. */
export const userConfigFileEnv = 'REDIS_USER_CONFIG_FILE';
// redis_exporter's own variables (each of its flags has one), which the webhook sets on its exporters
// instead of arguments, so that any redis_exporter image runs with its own entrypoint.
export const exporterAddressEnv = 'REDIS_ADDR';
export const exporterPasswordEnv = 'REDIS_PASSWORD';
export const exporterListenEnv = 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS';
