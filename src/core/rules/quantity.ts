import type { V1ResourceRequirements } from '@kubernetes/client-node';

const suffixes: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity's value (`500m`: 0.5, `1Gi`: 1073741824, `1e3`: 1000); undefined for what is not one. */
export function quantityValue(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/.exec(text);
  if (!match) return undefined;
  const [, number, exponent, suffix] = match;
  return Number(number) * (exponent === undefined ? suffixes[suffix ?? ''] : 10 ** Number(exponent));
}

function sameQuantities(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].every((key) => {
    const [x, y] = [quantityValue(a?.[key]), quantityValue(b?.[key])];
    return x !== undefined && y !== undefined && Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  });
}

/**
 * Whether two resource requirements ask for the same amounts. The API server stores quantities in a
 * canonical form of its own (`1024Mi` becomes `1Gi`, `0.5` becomes `500m`), so the stored object's text
 * may differ from the policy's while meaning the same: rewriting it would patch every update.
 */
export function sameResources(a: V1ResourceRequirements | undefined, b: V1ResourceRequirements | undefined): boolean {
  return sameQuantities(a?.requests, b?.requests) && sameQuantities(a?.limits, b?.limits);
}
