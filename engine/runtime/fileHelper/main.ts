// dist/files.js — the rootless file helper. For rootless containers with subordinate ids
// (executor/idMapping.ts) it runs inside a user namespace with the containers' mapping, where it
// is root over every mapped id: it can give unpacked files their owners for real (the kernel
// stores container id k as the mapped host id) and read and write what belongs to other container
// users (a 0700 directory of uid 1000, say), which the daemon's user cannot from outside. Inside,
// files show their container ids, so layers and tars come out with the right owners unchanged.
//
//   files apply <dir>                   < layer tar (plain or gzip): applies it with its owners
//                                       > JSON: {"skippedDevices": [paths]} (device nodes cannot be made here)
//   files changes <snapshot dir>        > JSON: the snapshot's changes (names, types, owners; no content)
//   files layer <snapshot dir> <out dir> [<JSON options>]
//                                       > JSON: the changes written as a layer file in <out dir> (options:
//                                         writeLayer's `compression`, `sourceDateEpoch`), with their count
//   files own <snapshot dir> <uid> <gid> gives what the snapshot added or replaced (not the directories
//                                       its layers had) to uid:gid — a build step's COPY --chown / WORKDIR
//   files lend <rootfs> <path>          > JSON: makes the existing directories along <path> root's and
//                                         writable for a build step the daemon does from outside (COPY,
//                                         WORKDIR), answering their owners and modes for restore
//   files restore <rootfs>              < that JSON: gives them back
//   files tar <rootfs> [<path>]         > a tar of <path> (docker cp) or of the whole rootfs (docker export)
//   files stat <rootfs> <path>          > JSON: the path's stat for docker cp
//   files put <rootfs> <path> [<JSON options>] < a tar to extract into the directory <path> (docker cp into the
//                                       container; options: archivePut's `owner`, `noOverwriteDirNonDir`)
//
// Errors: one JSON line `{"status":N,"message":…}` on stderr, exit code 1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyLayer, resolveInRoot, writeLayerToFile, type WriteLayerOptions } from '../../image/layer';
import { archiveGet, archivePut, archiveStat, exportRootfs, parsePutOptionsArg } from '../containers/archive';
import { RuntimeError } from '../errors';
import { readMeta, snapshotChanges } from '../snapshot/changes';

async function main(): Promise<void> {
  const [cmd, a, b, c] = process.argv.slice(2);
  if (process.getuid?.() !== 0) throw new Error('the file helper runs as root of a user namespace');
  const json = (v: unknown): void => { process.stdout.write(`${JSON.stringify(v)}\n`); };
  switch (cmd) {
    case 'apply':
      // device nodes cannot be made in a user namespace: skipped, like rootless podman (the daemon logs them)
      return json({ skippedDevices: (await applyLayer(process.stdin, a, { ownership: 'chown', devices: false })).skippedDevices });
    case 'changes':
      return json((await snapshotChanges(a)).map(({ source: _s, xattrs: _x, ...e }) => e));
    case 'layer': {
      const entries = await snapshotChanges(a);
      const opts = (c ? JSON.parse(c) : {}) as Pick<WriteLayerOptions, 'compression' | 'sourceDateEpoch'>;
      return json({ ...await writeLayerToFile(entries, b, { compression: opts.compression, sourceDateEpoch: opts.sourceDateEpoch }), entries: entries.length });
    }
    case 'own': {
      const uid = Number(b);
      const gid = Number(c);
      if (!Number.isSafeInteger(uid) || !Number.isSafeInteger(gid) || uid < 0 || gid < 0) throw new Error(`invalid owner ${b}:${c}`);
      const { chain } = readMeta(a);
      const rootfs = path.join(a, 'rootfs');
      for (const e of await snapshotChanges(a)) {
        const rel = e.name.replace(/\/+$/, '');
        if (path.posix.basename(rel).startsWith('.wh.')) continue;
        // a directory the layers below had keeps its owner (BuildKit's COPY --chown: only what it creates or replaces)
        if (e.type === 'dir' && chain && (await fs.promises.lstat(path.join(chain, rel)).catch(() => null))?.isDirectory()) continue;
        fs.lchownSync((await resolveInRoot(rootfs, rel)).hostPath, uid, gid);
      }
      return;
    }
    case 'lend': {
      const lent: { rel: string; uid: number; gid: number; mode: number }[] = [];
      let prefix = '';
      for (const c of b.split('/').filter(Boolean)) {
        prefix = `${prefix}/${c}`;
        const r = await resolveInRoot(a, prefix, { followFinal: true });
        const st = await fs.promises.lstat(r.hostPath).catch(() => null);
        if (!st?.isDirectory()) break;
        if (st.uid === 0 && st.gid === 0 && (st.mode & 0o700) === 0o700) continue;
        lent.push({ rel: r.rel, uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 });
        fs.lchownSync(r.hostPath, 0, 0);
        fs.chmodSync(r.hostPath, (st.mode & 0o7777) | 0o700);
      }
      return json(lent);
    }
    case 'restore': {
      const lent = JSON.parse(await readStdin()) as { rel: string; uid: number; gid: number; mode: number }[];
      for (const l of lent.reverse()) {
        const r = await resolveInRoot(a, l.rel);
        fs.lchownSync(r.hostPath, l.uid, l.gid);
        fs.chmodSync(r.hostPath, l.mode);
      }
      return;
    }
    case 'tar':
      await (b ? archiveGet(a, b, process.stdout) : exportRootfs(a, process.stdout));
      return;
    case 'stat':
      return json(await archiveStat(a, b));
    case 'put':
      await archivePut(a, b, process.stdin, parsePutOptionsArg(c));
      return;
    default:
      throw new Error(`unknown command ${cmd ?? ''}: apply, changes, layer, tar, stat or put`);
  }
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const c of process.stdin) text += (c as Buffer).toString('utf8');
  return text;
}

main().catch((e) => {
  process.stderr.write(`${JSON.stringify({ status: e instanceof RuntimeError ? e.status : 500, message: (e as Error).message })}\n`);
  process.exit(1);
});
