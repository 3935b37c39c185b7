import { defineRule } from '../rule';

const RESERVED = ['context', 'scratch'];

export default defineRule({
  code: 'ReservedStageName',
  ruleClass: 'check',
  description: 'Reserved words should not be used as stage names',
  check(ctx) {
    for (const stage of ctx.model.stages) {
      if (!stage.name || !stage.nameRange || !RESERVED.includes(stage.name)) continue;
      ctx.reportOn(stage.from, stage.nameRange, `Stage name should not use the same name as reserved stage "${stage.name}": choose another name`);
    }
  },
});
