import type { V1StatefulSet } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import type { Operation as PatchOperation } from 'fast-json-patch';
import type { RuleContext } from '../rules/rule.js';
import { mutators } from '../rules/ruleChain.js';
import { allowDataLossAnnotation, policyAnnotation, userConfigAnnotation } from '../../wire/replicationNames.js';
import { jsonPatchDiff } from './jsonPatchDiff.js';
import { writableCopy } from './writableCopy.js';

const ownAnnotations = [userConfigAnnotation, allowDataLossAnnotation, policyAnnotation];

/**
 * Whether an UPDATE touches what mutation depends on. A change of replicas alone (kubectl scale,
 * kubectl apply of a new size) must not rewrite the pod template, or every scale would roll all pods.
 */
function shapeChanged(sts: V1StatefulSet, old: V1StatefulSet): boolean {
  const shape = (s: V1StatefulSet) => ({
    template: s.spec?.template,
    claims: s.spec?.volumeClaimTemplates,
    serviceName: s.spec?.serviceName,
    annotations: ownAnnotations.map((key) => s.metadata?.annotations?.[key]),
  });
  return !isDeepStrictEqual(shape(old), shape(sts));
}

/**
 * Mutates a copy with every mutator, then derives the JSON Patch by comparing it with the original,
 * so no JSON Pointer is written by hand (label keys with `/` and `~` are escaped by the diff).
 */
export function mutateStatefulSet(sts: V1StatefulSet, old: V1StatefulSet | undefined, ctx: RuleContext): PatchOperation[] {
  if (ctx.operation === 'UPDATE' && old && !shapeChanged(sts, old)) return [];
  const copy = writableCopy(sts);
  for (const mutator of mutators) mutator.mutate(copy, ctx);
  return jsonPatchDiff(sts, copy);
}
