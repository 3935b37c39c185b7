import { definePractice, forEachRun, rangeIn } from '../practice';
import { cacheMountTargets, commandsWith } from '../shell';

const LISTS = '/var/lib/apt/lists';

export default definePractice('DL3009', {
  code: 'AptListsNotCleaned',
  description: 'Delete the apt-get lists after installing something',
  check(ctx) {
    const final = ctx.model.stages[ctx.model.stages.length - 1];
    forEachRun(ctx, ['apt-get'], (run, stage, commands) => {
      if (stage !== final || commandsWith(commands, ['apt-get'], 'install').length === 0) return;
      if (cacheMountTargets(run).some((t) => t === LISTS || t === '/var/lib/apt')) return;
      const cleaned = commands.some((c) => c.words[0] === 'rm' && c.words.some((w) => w.startsWith(LISTS)))
        || commandsWith(commands, ['apt-get'], 'dist-clean').length > 0;
      if (cleaned) return;
      ctx.reportOn(run, rangeIn(ctx, run, /\bapt-get(?:\s+-[-\w=]+)*\s+install\b/),
        'apt lists are kept in the image: end this RUN with && rm -rf /var/lib/apt/lists/* (or mount a cache on /var/lib/apt/lists)');
    });
  },
});
