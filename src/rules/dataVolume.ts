import type { V1StatefulSet } from '@kubernetes/client-node';
import { redisContainer } from './redisContainer.js';

/** The volumeClaimTemplate that holds Redis data: the one mounted at the data path, else one named `data`, else the only one. */
export function dataClaimName(sts: V1StatefulSet, dataPath: string): string | undefined {
  const claims = (sts.spec?.volumeClaimTemplates ?? []).map((t) => t?.metadata?.name).filter((n): n is string => typeof n === 'string');
  const mounted = redisContainer(sts)?.volumeMounts?.find((m) => m?.mountPath === dataPath)?.name;
  if (mounted !== undefined) return claims.includes(mounted) ? mounted : undefined;
  return claims.find((n) => n === 'data') ?? (claims.length === 1 ? claims[0] : undefined);
}
