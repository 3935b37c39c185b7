import { defineRule } from '../rule';
import { isLower } from '../text';

export default defineRule({
  code: 'StageNameCasing',
  ruleClass: 'check',
  description: 'Stage names should be lowercase',
  check(ctx) {
    for (const stage of ctx.model.stages) {
      const word = stage.from.stageName;
      if (!word || isLower(word.text)) continue;
      const lower = word.text.toLowerCase();
      ctx.reportOn(stage.from, word.range, `Stage name '${word.text}' should be lowercase: rename it to '${lower}'`, [
        { title: `Rename stage to '${lower}'`, edits: [{ range: word.range, newText: lower }], preferred: true },
      ]);
    }
  },
});
