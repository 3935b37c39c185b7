import { defineRule } from '../rule';
import { buildkitDocs } from '../types';

export default defineRule({
  code: 'DuplicateStageName',
  ruleClass: 'build',
  docs: buildkitDocs('DuplicateStageName'),
  description: 'Stage names should be unique',
  check(ctx) {
    const seen = new Map<string, number>();
    for (const stage of ctx.model.stages) {
      if (!stage.name || !stage.nameRange) continue;
      const first = seen.get(stage.name);
      if (first === undefined) {
        seen.set(stage.name, stage.index);
        continue;
      }
      ctx.reportOn(stage.from, stage.nameRange, `Duplicate stage name '${stage.nameText}' (already used by stage ${first} on line ${ctx.model.stages[first].from.range.start.line + 1}): stage names should be unique`);
    }
  },
});
