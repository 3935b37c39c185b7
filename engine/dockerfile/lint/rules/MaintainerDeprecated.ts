import { defineRule } from '../rule';

export default defineRule({
  code: 'MaintainerDeprecated',
  ruleClass: 'check',
  description: 'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
  tags: ['deprecated'],
  check(ctx) {
    for (const i of ctx.ofKind('MAINTAINER')) {
      if (i.kind !== 'MAINTAINER') continue;
      const author = i.argsText.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      const fixes = i.argsRange
        ? [{ title: 'Replace with LABEL org.opencontainers.image.authors', preferred: true, edits: [{ range: { start: i.keywordRange.start, end: i.argsRange.end }, newText: `LABEL org.opencontainers.image.authors="${author}"` }] }]
        : [];
      ctx.reportOn(i, i.keywordRange, 'Maintainer instruction is deprecated in favor of using label: use LABEL org.opencontainers.image.authors="..."', fixes);
    }
  },
});
