import { buildkitDocs, type Rule } from './types';

const DOCKERFILE_REFERENCE = 'https://docs.docker.com/reference/dockerfile/';

/** Declares a rule; BuildKit checks get their docs URL from the code, build errors the Dockerfile reference. */
export function defineRule(rule: Rule): Rule {
  if (rule.docs) return rule;
  return { ...rule, docs: rule.ruleClass === 'check' ? buildkitDocs(rule.code) : DOCKERFILE_REFERENCE };
}
