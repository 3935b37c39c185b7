/**
 * Docker's `User` / `USER` / `--chown` specs (`user`, `uid`, `user:group`, `uid:gid`) resolved by
 * READING the rootfs' /etc/passwd and /etc/group as data through the confined resolver — never
 * getpwnam, never the host's NSS, never executing anything in the rootfs (CVE-2019-14271,
 * CVE-2024-9676). Semantics of libcontainer's GetExecUser (what dockerd and BuildKit use): a numeric
 * part needs no entry; the primary group comes from passwd; supplementary groups (those listing the
 * user in /etc/group) only when no group is given. Shared by the runtime and the builder.
 */
import * as fs from 'node:fs';
import { resolveInRoot } from './resolveInRoot';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  /** The passwd home directory (`/` without an entry), for HOME. */
  home: string;
}

async function readEtc(rootfs: string, file: string): Promise<string[][]> {
  try {
    const { hostPath } = await resolveInRoot(rootfs, `/etc/${file}`, { followFinal: true });
    const fh = await fs.promises.open(hostPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const st = await fh.stat();
      if (!st.isFile() || st.size > 16 << 20) return [];
      return (await fh.readFile('utf8')).split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
    } finally {
      await fh.close();
    }
  } catch {
    return [];
  }
}

const isNumeric = (s: string) => /^[0-9]+$/.test(s);

/**
 * Resolves `spec` inside `rootfs` (empty = root). Throws Docker's errors for unknown names; with
 * `forChown`, the builder's `--chown` wording and rule (a lone user gives gid = uid).
 */
export async function resolveUser(rootfs: string, spec: string | undefined, opts: { forChown?: boolean } = {}): Promise<ResolvedUser> {
  const s = (spec ?? '').trim();
  const colon = s.indexOf(':');
  const userPart = (colon < 0 ? s : s.slice(0, colon)) || '0';
  const groupPart = colon < 0 ? undefined : s.slice(colon + 1);
  const passwd = (await readEtc(rootfs, 'passwd')).filter((f) => f.length >= 4);
  const groups = (await readEtc(rootfs, 'group')).filter((f) => f.length >= 3);

  const pw = isNumeric(userPart) ? passwd.find((p) => Number(p[2]) === Number(userPart)) : passwd.find((p) => p[0] === userPart);
  if (!pw && !isNumeric(userPart)) {
    throw new Error(opts.forChown
      ? `unable to convert uid/gid chown string to host mapping: can't find uid for user ${userPart}: no such user: ${userPart}`
      : `unable to find user ${userPart}: no matching entries in passwd file`);
  }
  const uid = pw ? Number(pw[2]) : Number(userPart);
  let gid = pw ? Number(pw[3]) : 0;
  if (groupPart) {
    if (isNumeric(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x[0] === groupPart);
      if (!g) {
        throw new Error(opts.forChown
          ? `unable to convert uid/gid chown string to host mapping: can't find gid for group ${groupPart}: no such group: ${groupPart}`
          : `unable to find group ${groupPart}: no matching entries in group file`);
      }
      gid = Number(g[2]);
    }
  }
  // `--chown=user` / `--chown=uid`: the GID is the same number as the UID (Docker's documented rule).
  if (opts.forChown && groupPart === undefined) gid = uid;
  const additionalGids = groupPart === undefined && pw
    ? groups.filter((g) => (g[3] ?? '').split(',').includes(pw[0])).map((g) => Number(g[2])).filter((g) => g !== gid)
    : [];
  return { uid, gid, additionalGids, home: pw?.[5] || '/' };
}
