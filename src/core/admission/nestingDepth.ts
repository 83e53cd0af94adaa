/**
 * Whether `value` has at most `limit` objects and arrays nested in one another. It walks with its own
 * stack rather than by recursion, so a value of any depth is safe to ask about. It runs on every
 * request, hence plain stacks and no array allocated per visited object (as Object.values would).
 */
export function nestedWithin(value: unknown, limit: number): boolean {
  const values: object[] = [];
  const depths: number[] = [];
  const visit = (child: unknown, depth: number) => {
    if (typeof child === 'object' && child !== null) {
      values.push(child);
      depths.push(depth);
    }
  };
  visit(value, 1);
  while (values.length > 0) {
    const next = values.pop()!;
    const depth = depths.pop()!;
    if (depth > limit) return false;
    if (Array.isArray(next)) for (const child of next as unknown[]) visit(child, depth + 1);
    else for (const key in next) visit((next as Record<string, unknown>)[key], depth + 1);
  }
  return true;
}
