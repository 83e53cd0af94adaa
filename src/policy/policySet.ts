import { defaultPolicy } from './defaultPolicy.js';
import type { EffectivePolicy } from './replicationPolicy.js';

/** The built-in policy plus the loaded ones; a loaded policy named like the built-in one replaces it. */
export function policySet(loaded: readonly EffectivePolicy[]): EffectivePolicy[] {
  return loaded.some((p) => p.name === defaultPolicy.name) ? [...loaded] : [defaultPolicy, ...loaded];
}
