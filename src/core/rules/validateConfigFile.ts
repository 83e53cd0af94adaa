import type { V1VolumeMount } from '@kubernetes/client-node';
import type { Validator } from './rule.js';

/** Files the images themselves ship, which a start may name without a volume. */
const imageFiles: Record<string, readonly string[]> = {
  bitnami: ['/opt/bitnami/redis/etc/redis.conf', '/opt/bitnami/redis/etc/redis-default.conf'],
};

const fileKeys = new Set(['include', 'aclfile']);

function onVolume(path: string, mounts: readonly V1VolumeMount[]): boolean {
  return mounts.some((m) => typeof m?.mountPath === 'string' && (path === m.mountPath || path.startsWith(m.mountPath.replace(/\/$/, '') + '/')));
}

/**
 * A config file that Redis is told to read but that is on none of the Redis container's volumes (nor in
 * the image) cannot be there when the pod starts: seen with a ConfigMap mounted on another container.
 * What reading a ConfigMap-backed file found is reported here too: a line redis-server would refuse, an
 * include cycle, and (advisory) a ConfigMap or key not there yet, so the file went unchecked.
 */
export const configFile: Validator = {
  name: 'configFile',
  validate(_sts, { setup }) {
    const container = setup.container;
    if (!container) return [];
    const mounts = container.volumeMounts ?? [];
    const shipped = imageFiles[setup.image?.family ?? ''] ?? [];
    const files = [
      ...(setup.start?.kind === 'server' && !setup.start.wired && setup.start.configFile
        ? [{ path: setup.start.configFile.value, field: setup.start.configFile.field }]
        : []),
      ...setup.config.filter((e) => fileKeys.has(e.key)).map((e) => ({ path: e.value.replace(/^"|"$/g, ''), field: e.field })),
    ];
    const unreachable = files
      .filter((f) => (f.path.startsWith('/') ? !onVolume(f.path, mounts) && !shipped.includes(f.path) : true))
      .map((f) => ({
        field: f.field,
        found: `container ${container.name} reads ${f.path}, which is on none of its volumes${f.path.startsWith('/') ? '' : ' (a relative path, resolved against the working directory)'}`,
        allowed: `an absolute path on a volume mounted in container ${container.name}, e.g. a ConfigMap volume with mountPath ${f.path.startsWith('/') ? f.path.slice(0, f.path.lastIndexOf('/')) || '/' : '/etc/redis'}`,
      }));
    return [...unreachable, ...setup.configFileFindings];
  },
};
