import type { Instruction } from '../../model';
import { defineRule } from '../rule';
import { commentBlockAbove } from '../suppression';

export default defineRule({
  code: 'InvalidDefinitionDescription',
  ruleClass: 'check',
  experimental: true,
  description: 'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`',
  check(ctx) {
    const describe = (i: Instruction, name: string, range: Instruction['range']) => {
      const block = commentBlockAbove(ctx.model, i).filter((c) => !/^#\s*check\s*=/i.test(c.text.trim()) && !/^#\s*(syntax|escape)\s*=/i.test(c.text.trim()));
      const last = block[block.length - 1];
      if (!last || last.line !== i.range.start.line - 1) return;
      const first = /^#\s*(\S+)/.exec(last.text.trim())?.[1];
      if (first === name) return;
      const lineStart = ctx.model.lineStarts[last.line];
      const column = ctx.model.text.indexOf(last.text, lineStart) - lineStart;
      const at = { start: { line: last.line, character: column }, end: { line: last.line, character: column + last.text.length } };
      ctx.reportOn(i, range, `Comment for ${i.kind === 'FROM' ? 'build stage' : 'build argument'} '${name}' should follow the format: \`# ${name} <description>\`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.`, [
        { title: `Start the comment with '${name}'`, edits: [{ range: at, newText: `# ${name} ${last.text.trim().replace(/^#\s*/, '')}` }] },
      ]);
    };
    for (const i of ctx.model.instructions) {
      if (i.kind === 'ARG' && i.pairs.length === 1) describe(i, i.pairs[0].key, i.pairs[0].keyRange);
      else if (i.kind === 'FROM' && i.stageName) describe(i, i.stageName.text, i.stageName.range);
    }
  },
});
