import { specOf } from '../specOf';
import { defineRule } from '../rule';

const COUNT = ['', 'one', 'two', 'three'];

export default defineRule({
  code: 'MissingArguments',
  ruleClass: 'build',
  description: 'An instruction with fewer arguments than it needs',
  check(ctx) {
    for (const i of ctx.allInstructions()) {
      if (i.kind === 'UNKNOWN' || i.kind === 'HEALTHCHECK' || (i.kind === 'ONBUILD' && i.trigger)) continue;
      const spec = specOf(i);
      if (!spec) continue;
      const count = i.kind === 'ENV' || i.kind === 'LABEL' || i.kind === 'ARG' ? Math.max(i.args.length, i.pairs.length) : i.args.length;
      if (count >= spec.minArgs) continue;
      const exactly = spec.maxArgs === spec.minArgs;
      const need = `${exactly ? 'exactly' : 'at least'} ${COUNT[spec.minArgs] ?? spec.minArgs} argument${spec.minArgs > 1 ? 's' : ''}`;
      const detail = (i.kind === 'COPY' || i.kind === 'ADD') && count === 1 ? ', but only one was provided. Destination could not be determined' : '';
      ctx.reportOn(i, count === 0 ? i.keywordRange : i.range, `${i.keyword} requires ${need}${detail}: usage: ${spec.usage[0]}`);
    }
  },
});
