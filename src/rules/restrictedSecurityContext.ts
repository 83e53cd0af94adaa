import type { V1SecurityContext } from '@kubernetes/client-node';
import { redisUid } from './replicationNames.js';

/** What the Kubernetes "restricted" Pod Security Standard asks of a container. */
export function restrictedSecurityContext(): V1SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: redisUid,
    runAsGroup: redisUid,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
