import { definePractice, forEachRun, matchesIn } from '../practice';
import { cacheMountTargets, commandsWith, hasFlag } from '../shell';

export default definePractice('DL3019', {
  code: 'ApkNoCache',
  description: 'Use the --no-cache switch to avoid the need to use --update and remove /var/cache/apk/* when done installing packages',
  check(ctx) {
    forEachRun(ctx, ['apk'], (run, _stage, commands) => {
      const adds = commandsWith(commands, ['apk'], 'add').filter((c) => !hasFlag(c, ['--no-cache']));
      if (adds.length === 0) return;
      if (cacheMountTargets(run).some((t) => t === '/var/cache/apk' || t === '/etc/apk/cache')) return;
      if (commands.some((c) => c.words[0] === 'rm' && c.words.some((w) => w.startsWith('/var/cache/apk')))) return;
      const site = matchesIn(ctx, run, /\bapk(?:\s+-[-\w=]+)*\s+add\b/)[0];
      ctx.reportOn(run, site?.range ?? run.argsRange ?? run.keywordRange, 'apk add keeps its index cache in the image: add --no-cache', site
        ? [{ title: 'Add --no-cache', edits: [{ range: { start: site.range.end, end: site.range.end }, newText: ' --no-cache' }], preferred: true }]
        : []);
    });
  },
});
