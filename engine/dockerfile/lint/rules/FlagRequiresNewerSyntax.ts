import { specOf } from '../specOf';
import { defineRule } from '../rule';

/** `docker/dockerfile:1.N[.P][-labs]` pinned by `# syntax=` (undefined for `:1`, upstream or other frontends). */
function pinnedSyntax(value: string): { minor: number; labs: boolean } | undefined {
  const m = /^(?:docker\.io\/)?docker\/dockerfile:1\.(\d+)(?:\.\d+)?(-labs)?(?:@sha256:[0-9a-f]+)?$/.exec(value.trim());
  return m ? { minor: Number(m[1]), labs: m[2] !== undefined } : undefined;
}

export default defineRule({
  code: 'FlagRequiresNewerSyntax',
  ruleClass: 'build',
  description: 'A flag newer than the Dockerfile syntax version pinned by # syntax=',
  check(ctx) {
    const directive = ctx.model.directives.find((d) => d.name === 'syntax');
    const pinned = directive && pinnedSyntax(directive.value);
    if (!directive || !pinned) return;
    for (const i of ctx.withFlags()) {
      const spec = specOf(i);
      for (const flag of i.flags) {
        const min = spec?.flags.find((f) => f.name === flag.name)?.minSyntax;
        const m = min && /^1\.(\d+)(-labs)?$/.exec(min);
        // The labs channel ships flags before they become stable (e.g. --parents in 1.19-labs): trust it.
        if (!m || pinned.labs || (Number(m[1]) <= pinned.minor && !m[2])) continue;
        const wanted = `docker/dockerfile:1.${Math.max(Number(m[1]), pinned.minor)}${m[2] ?? ''}`;
        ctx.reportOn(i, { start: flag.range.start, end: flag.nameRange.end }, `--${flag.name} needs Dockerfile syntax ${min} or later, but this file pins ${directive.value}: change the first line to # syntax=${wanted} (or docker/dockerfile:1${m[2] ?? ''})`, [
          { title: `Use # syntax=${wanted}`, edits: [{ range: directive.valueRange, newText: wanted }], preferred: true },
        ]);
      }
    }
  },
});
