import type { V1Container, V1EnvVar, V1StatefulSet } from '@kubernetes/client-node';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { configDir, configFile, configVolumeName, initContainerName } from './replicationNames.js';
import { imageUser } from './imageUser.js';
import { restrictedSecurityContext } from './restrictedSecurityContext.js';
import { roleScript } from './roleScript.js';
import { renderConfig } from './renderConfig.js';

/** `<sts>-0.<serviceName>.<namespace>.svc.<clusterDomain>`: pod 0's stable DNS name. */
export function leaderHost(sts: V1StatefulSet, namespace: string, policy: EffectivePolicy): string {
  return `${sts.metadata?.name ?? ''}-0.${sts.spec?.serviceName ?? ''}.${namespace}.svc.${policy.clusterDomain}`;
}

export function passwordEnv(policy: EffectivePolicy, name: string): V1EnvVar[] {
  if (!policy.auth) return [];
  return [{ name, valueFrom: { secretKeyRef: { name: policy.auth.secretName, key: policy.auth.secretKey } } }];
}

/**
 * The init container that decides the role and renders redis.conf into the shared config volume.
 * Every field the API server would default is set explicitly, so the stored object equals what we
 * build and a second pass finds nothing to change.
 */
export function buildInitContainer(sts: V1StatefulSet, image: string, namespace: string, policy: EffectivePolicy): V1Container {
  const env: V1EnvVar[] = [
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'REDIS_LEADER_HOST', value: leaderHost(sts, namespace, policy) },
    { name: 'REDIS_PORT', value: String(policy.port) },
    { name: 'REDIS_BIND', value: '0.0.0.0' },
    { name: 'REDIS_DATA_DIR', value: policy.persistence.dataPath },
    { name: 'REDIS_CONFIG_FILE', value: configFile },
    { name: 'REDIS_LEADER_WAIT_SECONDS', value: String(policy.leaderWaitSeconds) },
    { name: 'REDIS_REPLICATION_CONFIG', value: renderConfig(sts, policy) },
    ...passwordEnv(policy, 'REDIS_PASSWORD'),
  ];
  return {
    name: initContainerName,
    image,
    command: ['sh', '-c', roleScript],
    env,
    volumeMounts: [{ name: configVolumeName, mountPath: configDir }],
    securityContext: restrictedSecurityContext(imageUser(image)),
  };
}
