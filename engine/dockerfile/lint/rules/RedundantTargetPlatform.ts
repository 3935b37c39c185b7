import { expandedWords } from '../expansions';
import { defineRule } from '../rule';

export default defineRule({
  code: 'RedundantTargetPlatform',
  ruleClass: 'check',
  description: 'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
  check(ctx) {
    for (const w of expandedWords(ctx)) {
      if (w.role !== 'from-platform' || w.instruction.kind !== 'FROM') continue;
      const { matched, unmatched, value } = w.result;
      if (matched.length !== 1 || matched[0] !== 'TARGETPLATFORM' || unmatched.length > 0 || value !== w.scope.env.get('TARGETPLATFORM')) continue;
      const flag = w.instruction.platform!;
      const end = ctx.model.positionAt(skipSpaces(ctx.model.text, ctx.model.offsetAt(flag.range.end)));
      ctx.reportOn(w.instruction, flag.range, 'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior: remove --platform', [
        { title: 'Remove --platform', edits: [{ range: { start: flag.range.start, end }, newText: '' }], preferred: true },
      ]);
    }
  },
});

function skipSpaces(text: string, offset: number): number {
  while (text[offset] === ' ' || text[offset] === '\t') offset++;
  return offset;
}
