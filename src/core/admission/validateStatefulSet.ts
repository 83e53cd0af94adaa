import type { V1StatefulSet } from '@kubernetes/client-node';
import type { RuleContext, Validator } from '../rules/rule.js';
import { validators as everyValidator } from '../rules/ruleChain.js';
import type { Finding } from './admissionDecision.js';

/**
 * Every violation of the given rules (all of them unless named), each tagged with the rule and the
 * policy's enforcement for it; an advisory one only ever warns. The object path and the scale path both
 * run their rules through here.
 */
export function validateStatefulSet(sts: V1StatefulSet, ctx: RuleContext, validators: readonly Validator[] = everyValidator): Finding[] {
  return validators.flatMap((validator) =>
    validator
      .validate(sts, ctx)
      .map(({ advisory, ...v }) => ({ ...v, rule: validator.name, enforcement: advisory ? 'warn' : ctx.policy.rules[validator.name] })),
  );
}
