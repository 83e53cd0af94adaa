import type { Operation as PatchOperation } from 'fast-json-patch';

type Json = Record<string, unknown> | unknown[];

/** A key as a JSON Pointer component (RFC 6901): `~` as `~0`, `/` as `~1`. */
const escapePathComponent = (key: string) => (key.includes('~') || key.includes('/') ? key.replaceAll('~', '~0').replaceAll('/', '~1') : key);

function isContainer(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}

/**
 * The JSON Patch that turns `before` into `after`, as fast-json-patch's `compare` derives it, for an
 * `after` that shares its unchanged subtrees with `before` (see writableCopy): a shared subtree is the
 * same reference, so it is skipped without a walk. Values go into the patch uncloned; the patch is
 * serialized at once. Like `compare`, an own property whose value is undefined counts as absent, arrays
 * are diffed by index, and path components are escaped (`~` and `/` in label keys).
 */
export function jsonPatchDiff(before: unknown, after: unknown): PatchOperation[] {
  const ops: PatchOperation[] = [];
  diff(before, after, '', ops);
  return ops;
}

function diff(before: unknown, after: unknown, path: string, ops: PatchOperation[]): void {
  if (before === after) return;
  if (!isContainer(before) || !isContainer(after) || Array.isArray(before) !== Array.isArray(after)) {
    ops.push({ op: 'replace', path, value: after });
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) diff(before[i], after[i], `${path}/${i}`, ops);
    // Highest index first, so each removal leaves the indices of the next ones in place.
    for (let i = before.length - 1; i >= after.length; i--) ops.push({ op: 'remove', path: `${path}/${i}` });
    for (let i = before.length; i < after.length; i++) ops.push({ op: 'add', path: `${path}/${i}`, value: after[i] });
    return;
  }
  const old = before as Record<string, unknown>;
  const next = after as Record<string, unknown>;
  for (const key of Object.keys(old)) {
    if (old[key] === undefined) continue;
    const child = `${path}/${escapePathComponent(key)}`;
    if (next[key] === undefined || !Object.hasOwn(next, key)) ops.push({ op: 'remove', path: child });
    else diff(old[key], next[key], child, ops);
  }
  for (const key of Object.keys(next)) {
    if (next[key] !== undefined && (old[key] === undefined || !Object.hasOwn(old, key))) {
      ops.push({ op: 'add', path: `${path}/${escapePathComponent(key)}`, value: next[key] });
    }
  }
}
