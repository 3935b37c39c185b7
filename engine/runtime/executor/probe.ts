// Whether an OCI runtime can start a container on this host: one real `run` of the host's
// /bin/true in a throw-away bundle. Used before preferring crun, which refuses some hosts
// (hybrid cgroups, see cgroupView.ts) only once it is asked to create a container; asking it for
// its version proves nothing.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateOciSpec } from './ociSpec';
import type { MountSpec } from './types';

export interface ProbeResult {
  ok: boolean;
  /** the runtime's last error line when it failed */
  reason?: string;
}

const cache = new Map<string, ProbeResult>();

/**
 * The probe rootfs is an empty directory that gets the host's /usr read-only, and the host's
 * top-level /bin, /lib… as the same symlinks (merged /usr) or read-only binds: /bin/true and its
 * loader resolve as on the host without copying anything, and nothing of the host is writable.
 */
function probeRootfs(dir: string): MountSpec[] {
  const mounts: MountSpec[] = [{ type: 'bind', source: '/usr', target: '/usr', readonly: true }];
  for (const name of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    let st: fs.Stats;
    try { st = fs.lstatSync(`/${name}`); } catch { continue; }
    if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(`/${name}`), path.join(dir, name));
    else if (st.isDirectory()) mounts.push({ type: 'bind', source: `/${name}`, target: `/${name}`, readonly: true });
  }
  return mounts;
}

/**
 * Runs `wrap([binary, --root, <tmp>, run, …])` once (synchronously: it is done once per engine
 * process and runtime, ~10–30 ms) and remembers the answer.
 */
export function probeRuntime(binary: string, cgroupParent: string | undefined, wrap: (argv: string[]) => string[] = (a) => a, noCgroups = false): ProbeResult {
  const key = `${binary}\0${cgroupParent}\0${noCgroups}\0${wrap(['x']).join('\0')}`;
  const known = cache.get(key);
  if (known) return known;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockwright-probe-'));
  const id = `dw-probe-${randomBytes(6).toString('hex')}`;
  const state = path.join(dir, 'state');
  try {
    const rootfs = path.join(dir, 'rootfs');
    fs.mkdirSync(rootfs);
    const spec = generateOciSpec({ rootfs, args: ['/bin/true'], env: ['PATH=/usr/bin:/bin'], cwd: '/', user: { uid: 0, gid: 0 }, network: 'none', readonlyRootfs: true, mounts: probeRootfs(rootfs) },
      { cgroupsPath: cgroupParent ? `${cgroupParent}/${id}` : undefined, noCgroups });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(spec));
    const argv = wrap([binary, '--root', state, 'run', '--bundle', dir, id]);
    const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20000, encoding: 'utf8' });
    const result: ProbeResult = r.status === 0 ? { ok: true }
      : { ok: false, reason: (r.stderr || r.error?.message || `exit ${r.status ?? r.signal}`).trim().split('\n').pop() };
    cache.set(key, result);
    return result;
  } finally {
    spawnSync(binary, ['--root', state, 'delete', '--force', id], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
