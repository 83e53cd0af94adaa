import type { V1Container, V1EnvVar, V1StatefulSet, V1VolumeMount } from '@kubernetes/client-node';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import {
  bindEnv,
  configDir,
  configFile,
  configFileEnv,
  configVolumeName,
  dataDirEnv,
  failoverEnv,
  initContainerName,
  leaderHostEnv,
  leaderWaitEnv,
  memberDomainEnv,
  membersEnv,
  passwordEnv,
  podNameEnv,
  portEnv,
  replicationConfigEnv,
  sentinelConfigFileEnv,
  sentinelMasterEnv,
  sentinelPortEnv,
  sentinelQuorumEnv,
  sentinelSettingsEnv,
  userConfigFileEnv,
} from '../../wire/replicationNames.js';
import { imageUser } from './redisImage.js';
import type { RedisSetup } from './redisSetup.js';
import { restrictedSecurityContext } from './restrictedSecurityContext.js';
import { roleScript } from './roleScript.js';
import { renderConfig } from './renderConfig.js';
import { sentinelGroup, type SentinelGroup } from './sentinelGroup.js';

/** `<serviceName>.<namespace>.svc.<clusterDomain>`: the members' DNS names are `<pod>.` and this. */
export function memberDomain(sts: V1StatefulSet, namespace: string, policy: EffectivePolicy): string {
  return `${sts.spec?.serviceName ?? ''}.${namespace}.svc.${policy.clusterDomain}`;
}

/** `<sts>-0.<serviceName>.<namespace>.svc.<clusterDomain>`: pod 0's stable DNS name. */
export function leaderHost(sts: V1StatefulSet, namespace: string, policy: EffectivePolicy): string {
  return `${sts.metadata?.name ?? ''}-0.${memberDomain(sts, namespace, policy)}`;
}

/** What the role script needs to ask the other members' Sentinels and to configure its own. */
function sentinelEnv(sts: V1StatefulSet, namespace: string, policy: EffectivePolicy, group: SentinelGroup): V1EnvVar[] {
  return [
    { name: failoverEnv, value: 'sentinel' },
    { name: memberDomainEnv, value: memberDomain(sts, namespace, policy) },
    { name: membersEnv, value: String(group.members) },
    { name: sentinelPortEnv, value: String(group.port) },
    { name: sentinelMasterEnv, value: group.masterName },
    { name: sentinelQuorumEnv, value: String(group.quorum) },
    { name: sentinelSettingsEnv, value: group.settings },
    { name: sentinelConfigFileEnv, value: group.configFile },
  ];
}

/** The data claim at the Redis container's data path: the Sentinel's record of the last master lives there. */
export function dataMounts(setup: RedisSetup): V1VolumeMount[] {
  return setup.dataClaim === undefined ? [] : [{ name: setup.dataClaim, mountPath: setup.dataDir }];
}

/** An env variable holding the group's password, from the same Secret key as the user's (or the policy's). */
export function passwordVariable(setup: RedisSetup, name: string): V1EnvVar[] {
  return setup.password ? [{ name, valueFrom: { secretKeyRef: { name: setup.password.ref.name, key: setup.password.ref.key } } }] : [];
}

/** The Redis container's mounts that hold the user's config file, read-only, so the script can check it. */
function userConfigMounts(setup: RedisSetup): V1VolumeMount[] {
  const file = setup.userConfigFile;
  if (file === undefined) return [];
  const holding = (setup.container?.volumeMounts ?? []).filter(
    (m) => typeof m?.mountPath === 'string' && (file === m.mountPath || file.startsWith(m.mountPath.replace(/\/$/, '') + '/')),
  );
  const deepest = holding.sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  return deepest
    ? [{ name: deepest.name, mountPath: deepest.mountPath, readOnly: true, ...(deepest.subPath ? { subPath: deepest.subPath } : {}) }]
    : [];
}

/**
 * The init container that decides the role and renders redis.conf into the shared config volume.
 * Every field the API server would default is set explicitly, so the stored object equals what we
 * build and a second pass finds nothing to change.
 */
export function buildInitContainer(sts: V1StatefulSet, image: string, namespace: string, policy: EffectivePolicy, setup: RedisSetup): V1Container {
  const group = sentinelGroup(sts, policy, setup);
  const env: V1EnvVar[] = [
    { name: podNameEnv, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: leaderHostEnv, value: leaderHost(sts, namespace, policy) },
    { name: portEnv, value: String(setup.port) },
    { name: bindEnv, value: '0.0.0.0' },
    { name: dataDirEnv, value: setup.dataDir },
    { name: configFileEnv, value: configFile },
    { name: leaderWaitEnv, value: String(policy.leaderWaitSeconds) },
    { name: replicationConfigEnv, value: renderConfig(setup, policy, group) },
    ...(setup.userConfigFile === undefined ? [] : [{ name: userConfigFileEnv, value: setup.userConfigFile }]),
    ...passwordVariable(setup, passwordEnv),
    ...(group ? sentinelEnv(sts, namespace, policy, group) : []),
  ];
  return {
    name: initContainerName,
    image,
    command: ['sh', '-c', roleScript],
    env,
    // A refusal at pod start (the user's file from a Secret or a host path, unread at admission) is the
    // script's last log line: the kubelet puts it in the pod's status, so kubectl describe pod shows it.
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: [{ name: configVolumeName, mountPath: configDir }, ...userConfigMounts(setup), ...(group ? dataMounts(setup) : [])],
    securityContext: restrictedSecurityContext(imageUser(image), sts.spec?.template?.spec?.securityContext),
  };
}
