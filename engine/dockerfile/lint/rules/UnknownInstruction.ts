import { defineRule } from '../rule';
import { suggest } from '../text';

const KEYWORDS = ['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];

export default defineRule({
  code: 'UnknownInstruction',
  ruleClass: 'build',
  description: 'Unknown instruction',
  check(ctx) {
    for (const i of ctx.ofKind('UNKNOWN')) {
      if (i.kind !== 'UNKNOWN') continue;
      const guess = suggest(i.keyword, KEYWORDS, true);
      const cased = guess && (i.keywordText === i.keywordText.toLowerCase() ? guess.toLowerCase() : guess);
      ctx.reportOn(i, i.keywordRange, `Unknown instruction: ${i.keywordText}${cased ? ` (did you mean ${cased}?)` : ': use one of FROM, RUN, COPY, ADD, ...'}`, cased
        ? [{ title: `Change to ${cased}`, edits: [{ range: i.keywordRange, newText: cased }], preferred: true }]
        : []);
    }
  },
});
