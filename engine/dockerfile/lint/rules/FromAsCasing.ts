import { defineRule } from '../rule';
import { isLower, isUpper } from '../text';

export default defineRule({
  code: 'FromAsCasing',
  ruleClass: 'check',
  description: "The 'as' keyword should match the case of the 'from' keyword",
  check(ctx) {
    for (const stage of ctx.model.stages) {
      const from = stage.from;
      const as = from.asKeyword;
      if (!as) continue;
      const fromText = from.keywordText;
      const wanted = isUpper(fromText) ? 'AS' : isLower(fromText) ? 'as' : undefined;
      if (!wanted || as.text === wanted) continue;
      ctx.reportOn(from, as.range, `'${as.text}' and '${fromText}' keywords' casing do not match: write '${wanted}'`, [
        { title: `Change '${as.text}' to '${wanted}'`, edits: [{ range: as.range, newText: wanted }], preferred: true },
      ]);
    }
  },
});
