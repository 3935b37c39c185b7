// dist/files.js — the rootless file helper. For rootless containers with subordinate ids
// (executor/idMapping.ts) it runs inside a user namespace with the containers' mapping, where it
// is root over every mapped id: it can give unpacked files their owners for real (the kernel
// stores container id k as the mapped host id) and read and write what belongs to other container
// users (a 0700 directory of uid 1000, say), which the daemon's user cannot from outside. Inside,
// files show their container ids, so layers and tars come out with the right owners unchanged.
//
//   files apply <dir>                   < layer tar (plain or gzip): applies it with its owners
//   files changes <snapshot dir>        > JSON: the snapshot's changes (names, types, owners; no content)
//   files layer <snapshot dir> <out dir> > JSON: the changes written as a layer file in <out dir>
//   files tar <rootfs> [<path>]         > a tar of <path> (docker cp) or of the whole rootfs (docker export)
//   files stat <rootfs> <path>          > JSON: the path's stat for docker cp
//   files put <rootfs> <path> [<uid:gid>] < a tar to extract into the directory <path> (docker cp into the
//                                       container; every entry owned by uid:gid when given: docker cp -a)
//
// Errors: one JSON line `{"status":N,"message":…}` on stderr, exit code 1.
import { applyLayer, writeLayerToFile } from '../../image/layer';
import { archiveGet, archivePut, archiveStat, exportRootfs, parseOwnerArg } from '../containers/archive';
import { RuntimeError } from '../errors';
import { snapshotChanges } from '../snapshot/changes';

async function main(): Promise<void> {
  const [cmd, a, b, c] = process.argv.slice(2);
  if (process.getuid?.() !== 0) throw new Error('the file helper runs as root of a user namespace');
  const json = (v: unknown): void => { process.stdout.write(`${JSON.stringify(v)}\n`); };
  switch (cmd) {
    case 'apply':
      // device nodes cannot be made in a user namespace: skipped, like rootless podman
      await applyLayer(process.stdin, a, { ownership: 'chown', devices: false });
      return;
    case 'changes':
      return json((await snapshotChanges(a)).map(({ source: _s, xattrs: _x, ...e }) => e));
    case 'layer':
      return json(await writeLayerToFile(await snapshotChanges(a), b));
    case 'tar':
      await (b ? archiveGet(a, b, process.stdout) : exportRootfs(a, process.stdout));
      return;
    case 'stat':
      return json(await archiveStat(a, b));
    case 'put':
      await archivePut(a, b, process.stdin, { owner: parseOwnerArg(c) });
      return;
    default:
      throw new Error(`unknown command ${cmd ?? ''}: apply, changes, layer, tar, stat or put`);
  }
}

main().catch((e) => {
  process.stderr.write(`${JSON.stringify({ status: e instanceof RuntimeError ? e.status : 500, message: (e as Error).message })}\n`);
  process.exit(1);
});
