import { expandedWords } from '../expansions';
import { defineRule } from '../rule';

export default defineRule({
  code: 'UnterminatedQuote',
  ruleClass: 'build',
  description: 'A quote in a word the builder expands is never closed',
  check(ctx) {
    for (const w of expandedWords(ctx)) {
      const error = w.result.errors[0];
      if (!error || !error.message.startsWith('unexpected end of statement')) continue;
      const quote = error.message.includes('single') ? "'" : '"';
      ctx.reportOn(w.instruction, w.rangeOf(error.offset, w.text.length), `failed to process "${w.text}": ${error.message}: add the closing ${quote}`);
    }
  },
});
