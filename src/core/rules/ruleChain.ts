import type { Mutator, Validator } from './rule.js';
import { orderedReady } from './mutateOrderedReady.js';
import { configVolume } from './mutateConfigVolume.js';
import { redisContainerDefaults } from './mutateRedisContainer.js';
import { initContainer } from './mutateInitContainer.js';
import { sentinelContainer } from './mutateSentinelContainer.js';
import { exporterContainers } from './mutateExporterContainers.js';
import { podSecurity } from './mutatePodSecurity.js';
import { antiAffinity } from './mutateAntiAffinity.js';
import { mutatedBy } from './mutateMutatedBy.js';
import { replicas } from './validateReplicas.js';
import { serviceName } from './validateServiceName.js';
import { podManagementPolicy } from './validatePodManagementPolicy.js';
import { image } from './validateImage.js';
import { replicaof } from './validateReplicaof.js';
import { persistence } from './validatePersistence.js';
import { start } from './validateStart.js';
import { configFile } from './validateConfigFile.js';
import { clusterMode } from './validateClusterMode.js';
import { sentinel } from './validateSentinel.js';
import { tls } from './validateTls.js';
import { auth } from './validateAuth.js';

// Every rule, in the one place they are listed. The Redis container is wired before the init container
// is built, because the rendered config depends on the data mount. The exporters come after the Sentinel,
// in the order the pod lists them.
export const mutators: readonly Mutator[] = [
  orderedReady,
  configVolume,
  redisContainerDefaults,
  initContainer,
  sentinelContainer,
  exporterContainers,
  podSecurity,
  antiAffinity,
  mutatedBy,
];
export const validators: readonly Validator[] = [
  replicas,
  serviceName,
  podManagementPolicy,
  image,
  start,
  configFile,
  replicaof,
  clusterMode,
  sentinel,
  tls,
  auth,
  persistence,
];
