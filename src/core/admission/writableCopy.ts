import type { V1Container, V1PodSpec, V1StatefulSet } from '@kubernetes/client-node';
import { exporterContainerName, initContainerName, sentinelContainerName, sentinelExporterContainerName } from '../../wire/replicationNames.js';
import { redisContainer } from '../rules/redisContainer.js';

/** An object, as opposed to the absent or null field (or odd value) a review may carry instead. */
function isObject<T>(value: T | null | undefined): value is T {
  return typeof value === 'object' && value !== null;
}

/**
 * Sets an own property. JSON.parse makes "__proto__" an own key like any other; assigning it with `=`
 * would set the target's prototype instead, and the key would vanish from the copy (and the patch).
 */
function setOwn(target: Record<PropertyKey, unknown>, key: PropertyKey, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * A deep copy of `value` except for the named lists, which are copied one level deep: a new list whose
 * entries are the original's, or what `copyEntry` makes of them.
 */
function copyWithLists<T extends object>(value: T, lists: Partial<Record<keyof T, (entry: never) => unknown>>): T {
  const copy: Record<PropertyKey, unknown> = {};
  for (const [key, entry] of Object.entries(value) as [keyof T & string, unknown][]) {
    setOwn(copy, key, Object.hasOwn(lists, key) && Array.isArray(entry) ? entry.map(lists[key] as (e: unknown) => unknown) : copyJson(entry));
  }
  return copy as T;
}

/**
 * A deep copy of a value parsed from JSON (objects, arrays, strings, numbers, booleans, null): what a
 * review holds. Faster than structuredClone, which serializes to copy (about 10 µs of a 60 µs mutation).
 */
function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const copy: Record<PropertyKey, unknown> = {};
  for (const key in value) setOwn(copy, key, copyJson(value[key]));
  return copy as T;
}

const sameEntry = <T>(entry: T): T => entry;

/**
 * A copy of the StatefulSet for the mutators to write, at a fraction of a deep copy's cost. Copied deeply
 * is what they may set fields in: the object's, metadata's, spec's and template's own fields, the
 * annotations, the pod spec, the Redis container and the webhook's own init container, Sentinel and
 * exporters. The long lists they only append to (volumes, containers, init containers, the Redis
 * container's env, mounts and ports) are new lists that share their other entries with the original,
 * and so does everything else (managedFields, the user's sidecars, volumeClaimTemplates, status): jsonPatchDiff skips shared parts by reference.
 * A mutator that wrote into a shared part would change the original: the property tests check that the
 * original stays as it was and that the patch equals a diff against a full deep copy.
 */
export function writableCopy(sts: V1StatefulSet): V1StatefulSet {
  const copy: V1StatefulSet = { ...sts };
  if (isObject(sts.metadata)) {
    copy.metadata = { ...sts.metadata };
    if (isObject(sts.metadata.annotations)) copy.metadata.annotations = { ...sts.metadata.annotations };
  }
  if (isObject(sts.spec)) {
    copy.spec = { ...sts.spec };
    const template = sts.spec.template;
    if (isObject(template)) {
      copy.spec.template = { ...template };
      if (isObject(template.spec)) copy.spec.template.spec = podSpecCopy(template.spec, redisContainer(sts));
    }
  }
  return copy;
}

/** The webhook's own containers beside the Redis one, which the mutators refresh in place. */
const sidecars = [sentinelContainerName, exporterContainerName, sentinelExporterContainerName];

function podSpecCopy(pod: V1PodSpec, redis: V1Container | undefined): V1PodSpec {
  return copyWithLists(pod, {
    volumes: sameEntry,
    containers: (c: V1Container) => (c === redis ? containerCopy(c) : isObject(c) && sidecars.includes(c.name) ? copyJson(c) : c),
    initContainers: (c: V1Container) => (isObject(c) && c.name === initContainerName ? copyJson(c) : c),
  });
}

function containerCopy(container: V1Container): V1Container {
  return copyWithLists(container, { env: sameEntry, volumeMounts: sameEntry, ports: sameEntry });
}
