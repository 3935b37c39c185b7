import { defineRule } from '../rule';

export default defineRule({
  code: 'LegacyKeyValueFormat',
  ruleClass: 'check',
  description: 'Legacy key/value format with whitespace separator should not be used',
  check(ctx) {
    for (const i of ctx.ofKind('ENV', 'LABEL')) {
      if ((i.kind !== 'ENV' && i.kind !== 'LABEL') || !i.legacy) continue;
      const pair = i.pairs[0];
      if (!pair?.value) continue; // `ENV a` alone: the parser reports the missing value
      const value = pair.value;
      const fixes = [];
      if (value) {
        const needsQuotes = /\s/.test(value.text) && !/["'\\]/.test(value.text);
        if (needsQuotes || !/\s/.test(value.text) || /^(["']).*\1$/s.test(value.text)) {
          fixes.push({
            title: `Change to ${i.kind} ${pair.key}=...`,
            preferred: true,
            edits: [{ range: { start: pair.keyRange.end, end: value.range.end }, newText: `=${needsQuotes ? `"${value.text}"` : value.text}` }],
          });
        }
      }
      ctx.reportOn(i, pair.range, `"${i.kind} key=value" should be used instead of legacy "${i.kind} key value" format: write ${i.kind} ${pair.key}=<value>`, fixes);
    }
  },
});
