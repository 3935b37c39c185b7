import { definePractice, forEachRun, rangeIn } from '../practice';
import { commandsWith } from '../shell';

export default definePractice('DL3008', {
  code: 'AptGetPinVersions',
  description: 'Pin versions in apt-get install',
  defaultSeverity: 'off',
  check(ctx) {
    forEachRun(ctx, ['apt-get'], (run, _stage, commands) => {
      for (const c of commandsWith(commands, ['apt-get'], 'install')) {
        const packages = c.words.slice(c.words.indexOf('install') + 1).filter((w) => !w.startsWith('-') && !w.includes('$'));
        const unpinned = packages.filter((p) => !p.includes('=') && !p.endsWith('.deb'));
        if (unpinned.length === 0) continue;
        ctx.reportOn(run, rangeIn(ctx, run, new RegExp(`(?<![\\w.-])${unpinned[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.=-])`)),
          `Pin versions in apt-get install (${unpinned.join(', ')}): write <package>=<version>`);
      }
    });
  },
});
