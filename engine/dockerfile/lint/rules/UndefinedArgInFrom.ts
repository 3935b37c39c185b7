import { expandedWords } from '../expansions';
import { defineRule } from '../rule';
import { suggest } from '../text';

export default defineRule({
  code: 'UndefinedArgInFrom',
  ruleClass: 'check',
  description: 'FROM command must use declared ARGs',
  check(ctx) {
    const firstFrom = ctx.model.stages[0]?.from;
    for (const w of expandedWords(ctx)) {
      if ((w.role !== 'from-image' && w.role !== 'from-platform') || w.result.errors.length > 0) continue;
      for (const ref of w.result.references) {
        if (!w.result.unmatched.includes(ref.name) || w.scope.vars.has(ref.name)) continue;
        const guess = suggest(ref.name, w.scope.vars.keys());
        const range = w.rangeOf(ref.nameStart, ref.nameEnd);
        const fixes = guess ? [{ title: `Change to ${guess}`, edits: [{ range, newText: guess }], preferred: true }] : [];
        if (firstFrom) {
          const line = firstFrom.range.start.line;
          fixes.push({ title: `Declare ARG ${ref.name} before the first FROM`, edits: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `ARG ${ref.name}\n` }], preferred: false });
        }
        ctx.reportOn(w.instruction, range, `FROM argument '${ref.name}' is not declared${guess ? ` (did you mean ${guess}?)` : `: declare it with ARG ${ref.name} before the first FROM`}`, fixes);
      }
    }
  },
});
