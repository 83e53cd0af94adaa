import type { V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';

/**
 * What the Kubernetes "restricted" Pod Security Standard asks of a container the webhook adds or
 * completes. It runs as the pod's user when the pod names a non-root one (files on the volumes are that
 * user's), else as the image's own user `uid`.
 */
export function restrictedSecurityContext(uid: number, pod: V1PodSecurityContext | null | undefined): V1SecurityContext {
  const podUser = pod?.runAsUser;
  return {
    runAsNonRoot: true,
    ...(typeof podUser === 'number' && podUser > 0 ? {} : { runAsUser: uid, runAsGroup: uid }),
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
