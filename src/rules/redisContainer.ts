import type { V1Container, V1StatefulSet } from '@kubernetes/client-node';

/** The container that runs Redis: the one named `redis`, else the first one. */
export function redisContainer(sts: V1StatefulSet): V1Container | undefined {
  const containers = sts.spec?.template?.spec?.containers ?? [];
  return containers.find((c) => c?.name === 'redis') ?? containers.find((c) => c !== null && typeof c === 'object');
}
