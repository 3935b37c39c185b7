import { defineRule } from '../rule';

/** `['a', 'b']`: a JSON array written with single quotes (JSON needs double quotes). */
const SINGLE_QUOTED_ARRAY = /^\[\s*'[^']*'(\s*,\s*'[^']*')*\s*\]$/;
const KINDS = ['RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'VOLUME'];

export default defineRule({
  code: 'JSONArgsSingleQuotes',
  ruleClass: 'build',
  defaultSeverity: 'warning',
  description: 'An exec-form array written with single quotes is not JSON, so it runs as a shell command',
  check(ctx) {
    for (const i of ctx.ofKind('RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'VOLUME')) {
      if (!KINDS.includes(i.kind) || i.json || !i.argsRange || !SINGLE_QUOTED_ARRAY.test(i.argsText)) continue;
      const elements = [...i.argsText.matchAll(/'([^']*)'/g)].map((m) => m[1]);
      ctx.reportOn(i, i.argsRange, `${i.keyword} is written as a JSON array but uses single quotes, so it is run as a shell command: use double quotes`, [
        { title: 'Use double quotes', edits: [{ range: i.argsRange, newText: JSON.stringify(elements).replace(/","/g, '", "') }], preferred: true },
      ]);
    }
  },
});
