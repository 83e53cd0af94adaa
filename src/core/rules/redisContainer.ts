import type { V1Container, V1StatefulSet } from '@kubernetes/client-node';

/** The container that runs Redis: the one named `redis` (or `valkey`), else the first one. */
export function redisContainer(sts: V1StatefulSet): V1Container | undefined {
  const containers = sts.spec?.template?.spec?.containers ?? [];
  return (
    containers.find((c) => c?.name === 'redis') ??
    containers.find((c) => c?.name === 'valkey') ??
    containers.find((c) => c !== null && typeof c === 'object')
  );
}

/** The field path of the Redis container, for messages: `spec.template.spec.containers[0]`. */
export function redisContainerField(sts: V1StatefulSet): string {
  const container = redisContainer(sts);
  return `spec.template.spec.containers[${container ? (sts.spec?.template?.spec?.containers ?? []).indexOf(container) : 0}]`;
}
