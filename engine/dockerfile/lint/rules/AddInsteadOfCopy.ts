import { definePractice } from '../practice';

const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)|\.git(#.*)?$/;
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst|gz|bz2|xz|zst|zip)$/i;

export default definePractice('DL3020', {
  code: 'AddInsteadOfCopy',
  description: 'Use COPY instead of ADD for files and folders',
  check(ctx) {
    for (const i of ctx.ofKind('ADD')) {
      if (i.kind !== 'ADD' || i.heredocs.length > 0 || i.sources.length === 0) continue;
      if (i.flags.some((f) => ['checksum', 'keep-git-dir', 'unpack'].includes(f.name.toLowerCase()))) continue;
      if (i.sources.some((s) => REMOTE.test(s.text) || ARCHIVE.test(s.text) || s.text.includes('$'))) continue;
      ctx.reportOn(i, i.keywordRange, 'ADD of local files: use COPY (ADD also extracts archives and fetches URLs, which is surprising here)', [
        { title: 'Use COPY', edits: [{ range: i.keywordRange, newText: i.keywordText === i.keywordText.toLowerCase() ? 'copy' : 'COPY' }], preferred: true },
      ]);
    }
  },
});
