import { DockerignoreMatcher } from '../../dockerignore';
import { expandedWords } from '../expansions';
import { defineRule } from '../rule';

const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/;

export default defineRule({
  code: 'CopyIgnoredFile',
  ruleClass: 'check',
  description: 'Attempting to Copy file that is excluded by .dockerignore',
  check(ctx) {
    const ignore = ctx.options.dockerignore;
    if (!ignore) return;
    const excluded = typeof ignore === 'function' ? ignore : ((m: DockerignoreMatcher) => (p: string) => m.matches(p))(DockerignoreMatcher.fromText(ignore.join('\n')));
    for (const w of expandedWords(ctx)) {
      const i = w.instruction;
      if ((i.kind !== 'COPY' && i.kind !== 'ADD') || i.from || w.role !== 'value' || w.result.errors.length > 0) continue;
      if (!w.source || w.source === i.dest || !i.sources.includes(w.source)) continue;
      const path = w.result.value;
      if (path === '' || path === '.' || path === '/' || path === './' || REMOTE.test(path) || !excluded(path)) continue;
      ctx.reportOn(i, w.range, `Attempting to ${i.keyword === 'ADD' ? 'Add' : 'Copy'} file "${path}" that is excluded by .dockerignore: remove the pattern from .dockerignore (or add !${path}) or stop copying it`);
    }
  },
});
