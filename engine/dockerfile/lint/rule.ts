import { buildkitDocs, type Rule } from './types';

/** Declares a rule; BuildKit checks get their docs URL from the code. */
export function defineRule(rule: Rule): Rule {
  if (rule.ruleClass === 'check' && !rule.docs) return { ...rule, docs: buildkitDocs(rule.code) };
  return rule;
}
