import { defineRule } from '../rule';

export default defineRule({
  code: 'InvalidHealthcheck',
  ruleClass: 'build',
  description: 'HEALTHCHECK must be HEALTHCHECK NONE or HEALTHCHECK [options] CMD <command>',
  check(ctx) {
    for (const i of ctx.ofKind('HEALTHCHECK')) {
      if (i.kind !== 'HEALTHCHECK') continue;
      if (!i.mode || !i.modeWord) {
        ctx.reportOn(i, i.keywordRange, 'HEALTHCHECK requires at least one argument: write HEALTHCHECK CMD <command> or HEALTHCHECK NONE');
      } else if (i.mode === 'NONE') {
        if (i.args.length > 1 || i.flags.length > 0) ctx.reportOn(i, i.range, 'HEALTHCHECK NONE takes no arguments: remove the options and arguments');
      } else if (i.mode !== 'CMD') {
        ctx.reportOn(i, i.modeWord.range, `Unknown type "${i.modeWord.text}" in HEALTHCHECK (try CMD)`);
      } else if (i.json ? i.json.elements.length === 0 : !i.command || i.command.text.trim() === '') {
        ctx.reportOn(i, i.modeWord.range, 'Missing command after HEALTHCHECK CMD: add the command to run');
      }
    }
  },
});
