// How crun gets to run on hybrid cgroup hosts.
//
// crun 1.8 refuses a hybrid host (cgroup v1 controllers plus a cgroup2 mount at
// /sys/fs/cgroup/unified) as soon as that cgroup2 mount has any controller enabled: "cgroups in
// hybrid mode not supported, drop all controllers from cgroupv2". The check comes before crun
// looks at its cgroup manager, so neither `--cgroup-manager=disabled` nor a spec without
// resources or cgroupsPath avoids it. crun decides the mode from the filesystem at
// /sys/fs/cgroup/unified, though: in a private mount namespace where a small empty tmpfs covers
// the cgroup2 mount it sees a plain cgroup v1 host and manages the v1 controllers itself (limits,
// freezer and the stats files all work). It also treats the `0::` line of /proc/self/cgroup as
// one more hierarchy and creates the container's directory there: in that tmpfs, which goes away
// with the namespace (detaching the cgroup2 mount instead would leave those directories on the
// /sys/fs/cgroup tmpfs below it, one per container, for good). The namespace only lives for the
// `crun run` process, and being private nothing mounted in it reaches the host.
// Only `run` needs that view: crun's later commands (exec, kill, pause, delete) read the cgroup
// paths from the container's state and work from the host's view.
import * as fs from 'node:fs';
import * as path from 'node:path';

const UNSHARE = '/usr/bin/unshare';
const SH = '/bin/sh';
const MOUNT = '/bin/mount';
const UNIFIED = '/sys/fs/cgroup/unified';
const CGROUP2_SUPER_MAGIC = 0x63677270;
const VIEW_TMPFS = 'dockwright-v1-view';
const VIEW_TMPFS_OPTIONS = 'size=256k,mode=0755';

export type CgroupMode = 'unified' | 'hybrid' | 'legacy';

/** The host's cgroup layout, from the filesystem types mounted at /sys/fs/cgroup (like crun and runc decide it). */
export function cgroupMode(): CgroupMode {
  const type = (p: string) => {
    try {
      return Number(fs.statfsSync(p).type);
    } catch {
      return undefined;
    }
  };
  if (type('/sys/fs/cgroup') === CGROUP2_SUPER_MAGIC) return 'unified';
  return type(UNIFIED) === CGROUP2_SUPER_MAGIC ? 'hybrid' : 'legacy';
}

/** True on a hybrid host whose cgroup2 mount has controllers enabled: crun refuses it unless run in the v1 view. */
export function crunNeedsV1View(): boolean {
  if (cgroupMode() !== 'hybrid') return false;
  try {
    return fs.readFileSync(`${UNIFIED}/cgroup.controllers`, 'utf8').trim() !== '';
  } catch {
    return false;
  }
}

/** The tools the v1 view is made with (util-linux `unshare` and `mount`, by absolute path) are installed. */
export function v1ViewAvailable(): boolean {
  return fs.existsSync(UNSHARE) && fs.existsSync(MOUNT);
}

/**
 * The runtime binary, read-only, for the v1 view. crun and runc guard against a container
 * overwriting them through /proc/self/exe [CVE-2019-5736] by re-executing every start from a
 * read-only bind mount of themselves (or a sealed copy) — unless they already run from a
 * read-only mount with `_LIBCONTAINER_CLONED_BINARY` set. The v1 view's mount namespace gets that
 * bind (mounted with the tmpfs, by one `mount -a` of a small fstab the daemon writes once), so the
 * runtime starts once instead of twice with the same protection; the bind goes away with the
 * namespace.
 */
export interface SealedRuntime {
  /** the host's runtime binary */
  binary: string;
  /** the file the binary is bound onto, read-only, inside the view */
  boundAt: string;
  /** the fstab of the view: the tmpfs over the cgroup2 mount and the read-only bind */
  fstab: string;
}

/** Writes the fstab and the (empty) mount point of a SealedRuntime for `binary` into `dir`. */
export function sealedRuntime(binary: string, dir: string): SealedRuntime {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const boundAt = path.join(dir, `${path.basename(binary)}.ro`);
  const fstab = path.join(dir, 'v1-view.fstab');
  if (!fs.existsSync(boundAt)) fs.writeFileSync(boundAt, '', { mode: 0o700 });
  fs.writeFileSync(fstab, [
    `${VIEW_TMPFS} ${fstabField(UNIFIED)} tmpfs ${VIEW_TMPFS_OPTIONS} 0 0`,
    `${fstabField(binary)} ${fstabField(boundAt)} none bind,ro 0 0`,
    '',
  ].join('\n'), { mode: 0o600 });
  return { binary, boundAt, fstab };
}

/** An fstab field: space, tab, newline and backslash as octal escapes. */
function fstabField(p: string): string {
  return p.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * `argv` run in a fresh private mount namespace in which a tmpfs covers the cgroup2 mount (and,
 * with `sealed`, argv[0] is the runtime started from its read-only bind). The command is passed to
 * the shell as positional parameters ("$@"), never spliced into its script. The process keeps its
 * pid through every exec (unshare execs the shell, the shell execs argv), so the monitor still
 * finds the runtime and the container below its own child.
 */
export function inV1View(argv: string[], sealed?: SealedRuntime): string[] {
  if (!sealed || argv[0] !== sealed.binary) return [UNSHARE, ...V1_VIEW_UNSHARE_FLAGS, '--', ...v1ViewShell(argv)];
  const script = `${MOUNT} -a -T "$1" && shift && _LIBCONTAINER_CLONED_BINARY=1 exec "$@"`;
  return [UNSHARE, ...V1_VIEW_UNSHARE_FLAGS, '--', SH, '-c', script, 'sh', sealed.fstab, sealed.boundAt, ...argv.slice(1)];
}

/** The unshare flags of the v1 view (a private mount namespace), for callers that add their own (a user namespace). */
export const V1_VIEW_UNSHARE_FLAGS = ['--mount', '--propagation', 'private'];

/** The shell that, inside the new mount namespace, covers the cgroup2 mount and execs `argv`. */
export function v1ViewShell(argv: string[]): string[] {
  return [SH, '-c', `${MOUNT} -t tmpfs -o ${VIEW_TMPFS_OPTIONS} ${VIEW_TMPFS} ${UNIFIED} && exec "$@"`, 'sh', ...argv];
}
