import { defineRule } from '../rule';

export default defineRule({
  code: 'CopyDestinationNotDirectory',
  ruleClass: 'build',
  // The classic builder rejects this; BuildKit copies into the directory anyway. So: a warning.
  defaultSeverity: 'warning',
  description: 'With more than one source, the COPY/ADD destination must be a directory ending in /',
  check(ctx) {
    for (const i of ctx.ofKind('COPY', 'ADD')) {
      if ((i.kind !== 'COPY' && i.kind !== 'ADD') || !i.dest || i.sources.length < 2) continue;
      const dest = i.dest.text.replace(/^["']|["']$/g, '');
      if (dest.endsWith('/') || dest.includes('$') || (ctx.model.escapeChar === '`' && dest.endsWith('\\'))) continue;
      const range = i.dest.range;
      ctx.reportOn(i, range, `When using ${i.keyword} with more than one source file, the destination must be a directory and end with a / (the classic builder fails; BuildKit treats it as a directory)`, i.json ? [] : [
        { title: `Add / to the destination`, edits: [{ range: { start: range.end, end: range.end }, newText: '/' }], preferred: true },
      ]);
    }
  },
});
