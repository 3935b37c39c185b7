import { definePractice, forEachRun, matchesIn } from '../practice';
import { commandsWith, hasFlag } from '../shell';

const RECOMMENDS_OFF = /APT::Install-Recommends=(false|0)/i;

export default definePractice('DL3015', {
  code: 'AptGetNoInstallRecommends',
  description: 'Avoid additional packages by specifying --no-install-recommends',
  check(ctx) {
    forEachRun(ctx, ['apt-get'], (run, _stage, commands) => {
      const installs = commandsWith(commands, ['apt-get'], 'install')
        .filter((c) => !hasFlag(c, ['--no-install-recommends']) && !c.words.some((w) => RECOMMENDS_OFF.test(w)));
      if (installs.length === 0) return;
      const sites = matchesIn(ctx, run, /\bapt-get(?:\s+-[-\w=]+)*\s+install\b/);
      const site = sites[0];
      ctx.reportOn(run, site?.range ?? run.argsRange ?? run.keywordRange, 'apt-get install without --no-install-recommends pulls in extra packages: add --no-install-recommends', site
        ? [{ title: 'Add --no-install-recommends', edits: [{ range: { start: site.range.end, end: site.range.end }, newText: ' --no-install-recommends' }] }]
        : []);
    });
  },
});
