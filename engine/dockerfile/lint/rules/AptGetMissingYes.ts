import { definePractice, forEachRun, matchesIn } from '../practice';
import { commandsWith, hasFlag } from '../shell';

const QUIET_TWICE = /^-[a-z]*q[a-z]*q/;

export default definePractice('DL3014', {
  code: 'AptGetMissingYes',
  description: 'Use the -y switch to avoid manual input with apt-get install',
  check(ctx) {
    forEachRun(ctx, ['apt-get'], (run, _stage, commands) => {
      const missing = commandsWith(commands, ['apt-get'], 'install')
        .filter((c) => !hasFlag(c, ['--yes', '--assume-yes', '-qq', '-q=2'], ['y']) && !c.words.some((w) => QUIET_TWICE.test(w)));
      if (missing.length === 0) return;
      const site = matchesIn(ctx, run, /\bapt-get(?:\s+-[-\w=]+)*\s+install\b/)[0];
      ctx.reportOn(run, site?.range ?? run.argsRange ?? run.keywordRange, 'apt-get install without -y waits for input and fails the build: add -y', site
        ? [{ title: 'Add -y', edits: [{ range: { start: site.range.end, end: site.range.end }, newText: ' -y' }], preferred: true }]
        : []);
    });
  },
});
