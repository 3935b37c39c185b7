import { defineRule } from '../rule';

export default defineRule({
  code: 'ShellRequiresJson',
  ruleClass: 'build',
  description: 'SHELL must be written as a JSON array with at least one element',
  check(ctx) {
    for (const i of ctx.ofKind('SHELL')) {
      if (i.kind !== 'SHELL' || !i.argsRange) continue;
      if (!i.json) {
        const words = i.argsText.split(/\s+/).filter((w) => w !== '');
        ctx.reportOn(i, i.argsRange, 'SHELL requires the arguments to be in JSON form: write SHELL ["executable", "parameters"]', [
          { title: 'Convert to JSON form', edits: [{ range: i.argsRange, newText: JSON.stringify(words).replace(/","/g, '", "') }], preferred: true },
        ]);
      } else if (i.json.elements.length === 0) {
        ctx.reportOn(i, i.json.range, 'SHELL requires at least one argument: e.g. SHELL ["/bin/sh", "-c"]');
      }
    }
  },
});
