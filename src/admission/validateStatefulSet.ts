import type { V1StatefulSet } from '@kubernetes/client-node';
import type { RuleContext } from '../rules/rule.js';
import { validators } from '../rules/ruleChain.js';
import type { RuleViolation } from './reviewAdmission.js';

/** Every violation of every rule, each tagged with the rule and the policy's enforcement for it. */
export function validateStatefulSet(sts: V1StatefulSet, ctx: RuleContext): RuleViolation[] {
  return validators.flatMap((validator) =>
    validator.validate(sts, ctx).map(({ advisory, ...v }) => ({ ...v, rule: validator.name, enforcement: advisory ? 'warn' : ctx.policy.rules[validator.name] })),
  );
}
