// Names the webhook reads from users and writes into their objects. Changing any of them breaks
// idempotence for objects mutated by an earlier version, so they are fixed here in one place.

export const enabledLabel = { key: 'redis-replication', value: 'enabled' } as const;
export const userConfigAnnotation = 'redis-replication/config';
export const allowDataLossAnnotation = 'redis-replication/allow-data-loss';
export const mutatedByAnnotation = 'redis-replication/mutated-by';
export const initContainerName = 'redis-replication-init';
export const configVolumeName = 'redis-replication-config';
export const configDir = '/etc/redis-replication';
export const configFile = `${configDir}/redis.conf`;
export const redisPortName = 'redis';
