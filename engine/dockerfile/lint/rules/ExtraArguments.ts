import { specOf } from '../specOf';
import { defineRule } from '../rule';

export default defineRule({
  code: 'ExtraArguments',
  ruleClass: 'build',
  description: 'An instruction with more arguments than it accepts',
  check(ctx) {
    for (const i of ctx.allInstructions()) {
      if (i.kind === 'FROM') {
        const [, as] = i.args;
        if (i.args.length === 2 || i.args.length > 3) {
          const extra = i.args.slice(1);
          const as = i.keywordText === i.keywordText.toLowerCase() ? 'as' : 'AS';
          const at = extra[0].range.start;
          ctx.reportOn(i, { start: at, end: extra[extra.length - 1].range.end }, 'FROM requires either one or three arguments: write FROM <image> [AS <name>]', i.args.length === 2
            ? [{ title: `Insert ${as} before '${extra[0].text}'`, edits: [{ range: { start: at, end: at }, newText: `${as} ` }], preferred: true }]
            : []);
        } else if (i.args.length === 3 && as.text.toLowerCase() !== 'as') {
          ctx.reportOn(i, as.range, `Second argument of FROM should be AS, not '${as.text}'`, [
            { title: 'Change to AS', edits: [{ range: as.range, newText: i.keywordText === i.keywordText.toLowerCase() ? 'as' : 'AS' }], preferred: true },
          ]);
        }
        continue;
      }
      if (i.kind === 'UNKNOWN') continue;
      const spec = specOf(i);
      if (!spec || spec.maxArgs === undefined || i.args.length <= spec.maxArgs) continue;
      const extra = i.args.slice(spec.maxArgs);
      const range = { start: extra[0].range.start, end: extra[extra.length - 1].range.end };
      const keptEnd = i.args[spec.maxArgs - 1]?.range.end ?? range.start;
      ctx.reportOn(i, range, `${i.keyword} requires exactly ${spec.maxArgs === 1 ? 'one argument' : `${spec.maxArgs} arguments`}: remove the extra argument`, [
        { title: 'Remove the extra argument', edits: [{ range: { start: keptEnd, end: range.end }, newText: '' }] },
      ]);
    }
  },
});
