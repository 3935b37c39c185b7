import { defineRule } from '../rule';
import { isValidSignal } from '../values/signal';

export default defineRule({
  code: 'InvalidSignal',
  ruleClass: 'build',
  description: 'STOPSIGNAL must be a signal name (SIGTERM) or number',
  check(ctx) {
    for (const i of ctx.ofKind('STOPSIGNAL')) {
      if (i.kind !== 'STOPSIGNAL' || i.args.length !== 1) continue;
      const word = i.args[0];
      if (word.text.includes('$') || isValidSignal(word.text.replace(/^["']|["']$/g, ''))) continue;
      ctx.reportOn(i, word.range, `Invalid signal: ${word.text}: use a signal name such as SIGTERM or SIGQUIT, or a number`);
    }
  },
});
