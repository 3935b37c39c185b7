// Resolves Docker's `User` (`name`, `uid`, `name:group`, `uid:gid`) by READING the rootfs'
// /etc/passwd and /etc/group as data through the confined resolver — never by executing anything
// in or against the container, never through the host's NSS (CVE-2019-14271, CVE-2024-9676).
import * as fs from 'node:fs';
import { resolveInRoot } from '../../image/layer';
import type { ProcessUser } from '../executor';

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

async function readEtc(rootfs: string, file: string): Promise<string[][]> {
  try {
    const { hostPath } = await resolveInRoot(rootfs, file, { followFinal: true });
    const st = await fs.promises.stat(hostPath);
    if (!st.isFile() || st.size > 16 << 20) return [];
    return (await fs.promises.readFile(hostPath, 'utf8')).split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

const isId = (s: string) => /^\d+$/.test(s);

export interface ResolvedUser extends ProcessUser {
  /** the passwd home dir, for HOME */
  home: string;
}

export async function resolveUser(rootfs: string, user: string | undefined): Promise<ResolvedUser> {
  const spec = (user ?? '').trim();
  const [u, g] = spec === '' ? ['0', undefined] : spec.split(':', 2) as [string, string | undefined];
  const passwd: PasswdEntry[] = (await readEtc(rootfs, '/etc/passwd')).filter((f) => f.length >= 4)
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '/' }));
  const groups: GroupEntry[] = (await readEtc(rootfs, '/etc/group')).filter((f) => f.length >= 3)
    .map((f) => ({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));

  const pw = isId(u) ? passwd.find((p) => p.uid === Number(u)) : passwd.find((p) => p.name === u);
  if (!pw && !isId(u)) throw new Error(`unable to find user ${u}: no matching entries in passwd file`);
  const uid = pw ? pw.uid : Number(u);
  let gid = pw ? pw.gid : 0;
  if (g !== undefined && g !== '') {
    const gr = isId(g) ? groups.find((x) => x.gid === Number(g)) : groups.find((x) => x.name === g);
    if (!gr && !isId(g)) throw new Error(`unable to find group ${g}: no matching entries in group file`);
    gid = gr ? gr.gid : Number(g);
  }
  const additionalGids = pw ? groups.filter((x) => x.members.includes(pw.name) && x.gid !== gid).map((x) => x.gid) : [];
  return { uid, gid, additionalGids, home: pw?.home || '/' };
}
