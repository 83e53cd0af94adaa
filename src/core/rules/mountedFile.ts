import type { V1ConfigMapProjection, V1Container, V1KeyToPath, V1Volume, V1VolumeMount } from '@kubernetes/client-node';

/**
 * Where a file a container reads may come from, as the pod template shows it: a key of a ConfigMap (with
 * the volume field that names it), or somewhere the webhook cannot read (a Secret, a hostPath, an
 * emptyDir an init container fills, the downward API).
 */
export type FileOrigin = { kind: 'configMap'; name: string; key: string; field: string } | { kind: 'elsewhere' };

/** The path as the kernel resolves it: `.` and empty segments dropped, `..` going up. */
export function normalizePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

/** `path` relative to `dir`, or undefined when it is not under it ('' for `dir` itself). */
function under(path: string, dir: string): string | undefined {
  if (path === dir) return '';
  const prefix = dir === '/' ? '/' : `${dir}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
}

/** The ConfigMap key projected to `relative` in the volume: the item with that path, or without items the key of that name. */
function projectedKey(relative: string, items: readonly V1KeyToPath[] | undefined): string | undefined {
  if (items && items.length > 0) return items.find((item) => normalizePath(item.path) === `/${relative}`)?.key;
  // Without items every key is a file at the volume's top; keys cannot hold a slash.
  return relative !== '' && !relative.includes('/') ? relative : undefined;
}

function configMapOrigin(source: V1ConfigMapProjection | undefined, relative: string, field: string): FileOrigin[] {
  const key = projectedKey(relative, source?.items);
  return source?.name && key !== undefined ? [{ kind: 'configMap', name: source.name, key, field: `${field}.name` }] : [];
}

/** What a volume holds at `relative`, in the order the candidates are tried: a projected volume merges its sources. */
function originsInVolume(volume: V1Volume, index: number, relative: string): FileOrigin[] {
  const field = `spec.template.spec.volumes[${index}]`;
  if (volume.configMap) return configMapOrigin(volume.configMap, relative, `${field}.configMap`);
  if (volume.projected) {
    return (volume.projected.sources ?? []).flatMap((source, i) =>
      source.configMap ? configMapOrigin(source.configMap, relative, `${field}.projected.sources[${i}].configMap`) : [{ kind: 'elsewhere' as const }],
    );
  }
  return [{ kind: 'elsewhere' }];
}

/**
 * Where `path`, read inside `container`, comes from: the volume mounted deepest above it (a nested mount
 * hides its parent's files), through the mount's `subPath`. Empty when no volume holds it (the image's own
 * file, or none). A `subPathExpr` depends on the pod, so its files count as elsewhere.
 */
export function fileOrigins(path: string, container: V1Container, volumes: readonly V1Volume[]): FileOrigin[] {
  const file = normalizePath(path);
  const mounts = (container.volumeMounts ?? [])
    .map((mount) => ({ mount, dir: normalizePath(mount.mountPath) }))
    .map(({ mount, dir }) => ({ mount, dir, relative: under(file, dir) }))
    .filter((m): m is { mount: V1VolumeMount; dir: string; relative: string } => m.relative !== undefined)
    .sort((a, b) => b.dir.length - a.dir.length);
  const deepest = mounts[0];
  if (!deepest) return [];
  if (deepest.mount.subPathExpr) return [{ kind: 'elsewhere' }];
  const index = volumes.findIndex((v) => v.name === deepest.mount.name);
  const volume = volumes[index];
  if (!volume) return [{ kind: 'elsewhere' }];
  const inVolume = normalizePath(`${deepest.mount.subPath ?? ''}/${deepest.relative}`).slice(1);
  return originsInVolume(volume, index, inVolume);
}

/** Every ConfigMap a volume mounted in `container` draws on: what a caller reads so the container's config files can be checked. */
export function mountedConfigMaps(container: V1Container, volumes: readonly V1Volume[]): string[] {
  const mounted = new Set((container.volumeMounts ?? []).map((m) => m.name));
  const names = volumes
    .filter((v) => mounted.has(v.name))
    .flatMap((v) => [v.configMap?.name, ...(v.projected?.sources ?? []).map((s) => s.configMap?.name)])
    .filter((name): name is string => typeof name === 'string' && name !== '');
  return [...new Set(names)];
}
