import type { V1SecurityContext } from '@kubernetes/client-node';

/** What the Kubernetes "restricted" Pod Security Standard asks of a container, running as `uid` (imageUser). */
export function restrictedSecurityContext(uid: number): V1SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
