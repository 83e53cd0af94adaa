import type { V1Container, V1StatefulSet } from '@kubernetes/client-node';
import { dataMounts, passwordVariable } from './buildInitContainer.js';
import { sentinelReadinessProbe } from './buildProbes.js';
import {
  cliPasswordEnv,
  configDir,
  configVolumeName,
  sentinelContainerName,
  sentinelPortEnv,
  sentinelPortName,
} from '../../wire/replicationNames.js';
import { imageUser } from './redisImage.js';
import type { RedisSetup } from './redisSetup.js';
import { restrictedSecurityContext } from './restrictedSecurityContext.js';
import type { SentinelGroup } from './sentinelGroup.js';

/**
 * The Sentinel beside every member, from the Redis image itself (`redis-server --sentinel` runs in
 * every supported image; not every one ships a redis-sentinel link). Its config is rendered by the init
 * container; Sentinel rewrites it as it learns, which is how the member keeps its record of the master.
 */
export function buildSentinelContainer(sts: V1StatefulSet, image: string, setup: RedisSetup, group: SentinelGroup): V1Container {
  return {
    name: sentinelContainerName,
    image,
    command: [setup.image?.server ?? 'redis-server', group.configFile, '--sentinel'],
    env: [{ name: sentinelPortEnv, value: String(group.port) }, ...passwordVariable(setup, cliPasswordEnv)],
    ports: [{ name: sentinelPortName, containerPort: group.port, protocol: 'TCP' }],
    volumeMounts: [{ name: configVolumeName, mountPath: configDir }, ...dataMounts(setup)],
    readinessProbe: sentinelReadinessProbe(),
    securityContext: restrictedSecurityContext(imageUser(image), sts.spec?.template?.spec?.securityContext),
  };
}
