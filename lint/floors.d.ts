import type { Rule } from 'eslint';
export const floors: string[][];
export const floorsRule: Rule.RuleModule;
