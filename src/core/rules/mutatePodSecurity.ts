import type { V1Container, V1PodSecurityContext } from '@kubernetes/client-node';
import type { Mutator } from './rule.js';
import { imageUser } from './redisImage.js';
import { redisContainer } from './redisContainer.js';

/** Whether the kubelet can start `container` under a pod-level runAsNonRoot: it names a non-root user, or promises one. */
function runsAsNonRoot(container: V1Container, pod: V1PodSecurityContext): boolean {
  const own = container?.securityContext;
  const user = own?.runAsUser ?? pod.runAsUser;
  return typeof user === 'number' ? user > 0 : own?.runAsNonRoot === true;
}

/**
 * Pod-level defaults of the restricted standard, field by field, and only where no container the user
 * wrote would be stopped by them: runAsNonRoot when every container (theirs and the webhook's, which
 * run as a named non-root user) runs as non-root, since the kubelet refuses to start a container of a
 * root image under it; a RuntimeDefault seccomp profile unless a container is privileged. fsGroup
 * makes the data volume writable by the Redis user. The API server defaults an absent pod
 * securityContext to `{}` before webhooks run, so "absent" never reaches us.
 */
export const podSecurity: Mutator = {
  name: 'podSecurity',
  mutate(sts) {
    const pod = sts.spec?.template?.spec;
    if (!pod || pod.securityContext === null) return;
    pod.securityContext ??= {};
    const context = pod.securityContext;
    const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])].filter((c) => typeof c === 'object' && c !== null);
    if (context.runAsNonRoot === undefined && containers.every((c) => runsAsNonRoot(c, context))) context.runAsNonRoot = true;
    context.fsGroup ??= imageUser(redisContainer(sts)?.image);
    if (context.seccompProfile === undefined && !containers.some((c) => c.securityContext?.privileged === true))
      context.seccompProfile = { type: 'RuntimeDefault' };
  },
};
