import { defineRule } from '../rule';
import { isLower, isUpper } from '../text';

export default defineRule({
  code: 'ConsistentInstructionCasing',
  ruleClass: 'check',
  description: 'All commands within the Dockerfile should use the same casing (either upper or lower)',
  check(ctx) {
    const all = ctx.allInstructions();
    let upper = 0;
    let lower = 0;
    for (const i of all) {
      if (i.kind === 'UNKNOWN') continue;
      if (isUpper(i.keywordText)) upper++;
      else if (isLower(i.keywordText)) lower++;
    }
    const majorityLower = lower > upper;
    for (const i of all) {
      if (i.kind === 'UNKNOWN') continue;
      const ok = majorityLower ? isLower(i.keywordText) : isUpper(i.keywordText);
      if (ok) continue;
      const wanted = majorityLower ? i.keywordText.toLowerCase() : i.keywordText.toUpperCase();
      ctx.reportOn(i, i.keywordRange, `Command '${i.keywordText}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'}): write '${wanted}'`, [
        { title: `Change '${i.keywordText}' to '${wanted}'`, edits: [{ range: i.keywordRange, newText: wanted }], preferred: true },
      ]);
    }
  },
});
