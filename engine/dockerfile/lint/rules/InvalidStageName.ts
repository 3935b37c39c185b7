import { defineRule } from '../rule';

const VALID = /^[a-z][a-z0-9-_.]*$/;

export default defineRule({
  code: 'InvalidStageName',
  ruleClass: 'build',
  description: 'Stage names must start with a letter and contain only letters, digits, -, _ and .',
  check(ctx) {
    for (const stage of ctx.model.stages) {
      const word = stage.from.stageName;
      if (!word || VALID.test(word.text.toLowerCase())) continue;
      ctx.reportOn(stage.from, word.range, `invalid name for build stage: "${word.text}", name can't start with a number or contain symbols: use letters, digits, '-', '_' and '.', starting with a letter`);
    }
  },
});
