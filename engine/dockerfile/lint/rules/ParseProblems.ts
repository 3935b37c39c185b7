import { defineRule } from '../rule';

/** The parser's syntax problems (BuildKit parser errors, bad directives, unterminated heredocs, ...). */
export default defineRule({
  code: 'ParseError',
  ruleClass: 'build',
  description: 'The Dockerfile does not parse',
  check(ctx) {
    for (const p of ctx.model.problems) {
      ctx.report({ code: p.code, range: p.range, message: p.message, severity: p.severity });
    }
  },
});
