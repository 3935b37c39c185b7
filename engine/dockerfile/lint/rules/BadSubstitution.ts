import { expandedWords } from '../expansions';
import { defineRule } from '../rule';

const SYNTAX = /^(syntax error|unsupported modifier|invalid pattern)/;

export default defineRule({
  code: 'BadSubstitution',
  ruleClass: 'build',
  description: 'A ${...} substitution the builder cannot process',
  check(ctx) {
    for (const w of expandedWords(ctx)) {
      const error = w.result.errors[0];
      if (!error || !SYNTAX.test(error.message)) continue;
      const close = w.text.indexOf('}', error.offset);
      const end = close < 0 ? w.text.length : close + 1;
      ctx.reportOn(w.instruction, w.rangeOf(error.offset, end), `failed to process "${w.text}": ${error.message}: use one of \${v} \${v:-w} \${v-w} \${v:+w} \${v+w} \${v:?e} \${v#p} \${v##p} \${v%p} \${v%%p} \${v/p/r} \${v//p/r}`);
    }
  },
});
