/**
 * `USER` and `--chown` names resolved by READING the rootfs' /etc/passwd and /etc/group as data,
 * through the confined resolver (never getpwnam, never executing anything in the rootfs —
 * CVE-2019-14271, CVE-2024-9676). Semantics follow BuildKit/libcontainer's user lookup:
 * `user`, `user:group`, `uid`, `uid:gid`; a numeric part needs no entry; the primary group comes
 * from passwd; supplementary groups are those listing the user in /etc/group.
 */
import * as fs from 'node:fs';
import { resolveInRoot } from '../image/layer';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

async function readEtc(rootfs: string, file: string): Promise<string[][]> {
  const { hostPath } = await resolveInRoot(rootfs, `/etc/${file}`, { followFinal: true });
  let text: string;
  try {
    const fh = await fs.promises.open(hostPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const st = await fh.stat();
      if (!st.isFile() || st.size > 16 << 20) return [];
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

const isNumeric = (s: string) => /^[0-9]+$/.test(s);

/** Resolves `spec` (`user[:group]`) inside `rootfs`. Throws Docker-like errors for unknown names. */
export async function resolveUser(rootfs: string, spec: string, opts: { forChown?: boolean } = {}): Promise<ResolvedUser> {
  const [userPart, groupPart] = spec.includes(':') ? [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)] : [spec, undefined];
  const passwd = await readEtc(rootfs, 'passwd');
  const groups = await readEtc(rootfs, 'group');
  let uid: number;
  let gid: number | undefined;
  let userName: string | undefined;
  if (userPart === '') uid = 0;
  else if (isNumeric(userPart)) {
    uid = Number(userPart);
    const e = passwd.find((p) => p[2] === userPart);
    if (e) {
      gid = Number(e[3]);
      userName = e[0];
    }
  } else {
    const e = passwd.find((p) => p[0] === userPart);
    if (!e) throw new Error(opts.forChown ? `unable to convert uid/gid chown string to host mapping: can't find uid for user ${userPart}: no such user: ${userPart}` : `unable to find user ${userPart}: no matching entries in passwd file`);
    uid = Number(e[2]);
    gid = Number(e[3]);
    userName = e[0];
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumeric(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x[0] === groupPart);
      if (!g) throw new Error(opts.forChown ? `unable to convert uid/gid chown string to host mapping: can't find gid for group ${groupPart}: no such group: ${groupPart}` : `unable to find group ${groupPart}: no matching entries in group file`);
      gid = Number(g[2]);
    }
  }
  // `--chown=user` / `--chown=uid`: the GID is the same number as the UID (Docker's documented rule).
  if (opts.forChown && groupPart === undefined) gid = uid;
  gid ??= 0;
  const additionalGids = groupPart === undefined && userName
    ? groups.filter((g) => (g[3] ?? '').split(',').includes(userName!)).map((g) => Number(g[2])).filter((g) => g !== gid)
    : [];
  return { uid, gid, additionalGids };
}
