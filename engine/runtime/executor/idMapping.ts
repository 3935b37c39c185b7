// Rootless id mapping with subordinate ids, like podman and rootlesskit: container uid 0 is the
// calling user, container uids 1..N are the user's range from /etc/subuid (gids from /etc/subgid).
// The kernel only lets the setuid helpers newuidmap/newgidmap (package uidmap) write such a map;
// util-linux `unshare --map-users/--map-groups` calls them. Without a range or the helpers the
// rootless executor keeps bubblewrap's single-uid mapping (the caller is the container's user).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

export interface IdRange {
  /** first host id of the range */
  start: number;
  count: number;
}

export interface IdMapping {
  /** the calling user's uid and gid: container id 0 */
  uid: number;
  gid: number;
  /** host ids of container ids 1..count */
  subuid: IdRange;
  subgid: IdRange;
}

export const NEWUIDMAP = '/usr/bin/newuidmap';
export const NEWGIDMAP = '/usr/bin/newgidmap';
const UNSHARE = '/usr/bin/unshare';

/** The first range of `user` (name or numeric id) in a subuid/subgid file's text. */
export function parseSubordinateIds(text: string, user: { name: string; id: number }): IdRange | undefined {
  for (const line of text.split('\n')) {
    const f = line.trim().split(':');
    if (f.length !== 3 || (f[0] !== user.name && f[0] !== String(user.id))) continue;
    const start = Number(f[1]);
    const count = Number(f[2]);
    if (Number.isSafeInteger(start) && Number.isSafeInteger(count) && start > 0 && count > 0) return { start, count };
  }
  return undefined;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

let unshareMaps: boolean | undefined;

/** util-linux ≥ 2.38: `unshare --map-users` (it runs newuidmap for us). */
function unshareCanMap(): boolean {
  unshareMaps ??= fs.existsSync(UNSHARE) && /--map-users/.test(spawnSync(UNSHARE, ['--help'], { encoding: 'utf8' }).stdout ?? '');
  return unshareMaps;
}

/** The mapping for the calling user, or why there is none. */
export function subordinateIds(files = { subuid: '/etc/subuid', subgid: '/etc/subgid' }): { mapping?: IdMapping; reason?: string } {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const name = os.userInfo().username;
  const subuid = parseSubordinateIds(readText(files.subuid), { name, id: uid });
  const subgid = parseSubordinateIds(readText(files.subgid), { name, id: uid });
  if (!subuid || !subgid) return { reason: `no range for ${name} in ${!subuid ? files.subuid : files.subgid}` };
  for (const helper of [NEWUIDMAP, NEWGIDMAP]) {
    try {
      if ((fs.statSync(helper).mode & 0o4000) === 0) return { reason: `${helper} is not setuid` };
    } catch {
      return { reason: `${helper} is missing (package uidmap)` };
    }
  }
  if (!unshareCanMap()) return { reason: `${UNSHARE} cannot map id ranges (util-linux 2.38 or later)` };
  return { mapping: { uid, gid, subuid, subgid } };
}

/** `argv` in a new user namespace with `m` (plus `flags` for unshare, e.g. `--mount`); unshare execs argv in place. */
export function inUserNamespace(m: IdMapping, argv: string[], flags: string[] = []): string[] {
  return [UNSHARE, '--user', '--map-root-user', `--map-users=${m.subuid.start},1,${m.subuid.count}`, `--map-groups=${m.subgid.start},1,${m.subgid.count}`, ...flags, '--', ...argv];
}

/** The container id a host uid or gid stands for under `m` (65534, nobody, for ids outside it). */
export function containerId(m: IdMapping, kind: 'uid' | 'gid', hostId: number): number {
  const self = kind === 'uid' ? m.uid : m.gid;
  const range = kind === 'uid' ? m.subuid : m.subgid;
  if (hostId === self) return 0;
  if (hostId >= range.start && hostId < range.start + range.count) return hostId - range.start + 1;
  return 65534;
}
