import { specOf } from '../specOf';
import { defineRule } from '../rule';
import { suggest } from '../text';
import type { InstructionSpec } from '../../spec';

const namesBySpec = new Map<InstructionSpec, string[]>();
function flagNames(spec: InstructionSpec): string[] {
  let names = namesBySpec.get(spec);
  if (!names) namesBySpec.set(spec, (names = spec.flags.map((f) => f.name)));
  return names;
}

export default defineRule({
  code: 'UnknownFlag',
  ruleClass: 'build',
  description: 'A flag the instruction does not accept',
  check(ctx) {
    for (const i of ctx.withFlags()) {
      if (i.flags.length === 0) continue;
      const spec = specOf(i);
      if (!spec) continue;
      const names = flagNames(spec);
      for (const flag of i.flags) {
        if (names.includes(flag.name)) continue;
        const guess = suggest(flag.name, names, true);
        const range = { start: flag.range.start, end: flag.nameRange.end };
        const accepted = names.length > 0 ? `${i.keyword} accepts ${names.map((n) => `--${n}`).join(', ')}` : `${i.keyword} takes no flags`;
        ctx.reportOn(i, range, `Unknown flag: ${flag.name}${guess ? ` (did you mean --${guess}?)` : `: ${accepted}`}`, guess
          ? [{ title: `Change to --${guess}`, edits: [{ range, newText: `--${guess}` }], preferred: true }]
          : []);
      }
    }
  },
});
