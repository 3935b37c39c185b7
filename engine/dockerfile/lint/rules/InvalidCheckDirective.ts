import { parseCheckOptions } from '../checkOptions';
import { defineRule } from '../rule';
import { checkDirective } from '../suppression';

export default defineRule({
  code: 'InvalidCheckDirective',
  ruleClass: 'build',
  description: 'The # check= directive must be skip=<rules>;error=<bool>;experimental=<rules>',
  check(ctx) {
    const directive = checkDirective(ctx.model);
    if (!directive) return;
    const parsed = parseCheckOptions(directive.value);
    if ('error' in parsed) ctx.report({ range: directive.valueRange, message: `${parsed.error}: use skip=<Rule,...|all>;error=true|false;experimental=<Rule,...|all>` });
  },
});
