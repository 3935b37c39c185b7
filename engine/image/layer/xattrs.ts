/**
 * Extended attributes through the host's `getfattr`/`setfattr` (Debian package `attr`), run by
 * absolute path on a pipe, never from a container root (CVE-2014-9357). Node has no xattr API and
 * the native npm modules cannot be bundled by esbuild, so one process per tree walk / per batch is
 * the cheapest honest way. Only the names a layer may carry are read or written
 * (`security.capability`; the overlay opaque markers for upper-dir diffs) — never `trusted.*`
 * from layer content.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { hostCommand } from './hostCommand';

const GETFATTR = '/usr/bin/getfattr';
const SETFATTR = '/usr/bin/setfattr';

export const CAPABILITY = 'security.capability';
export const OVERLAY_OPAQUE = ['trusted.overlay.opaque', 'user.overlay.opaque'];

export function xattrToolsAvailable(): boolean {
  return fs.existsSync(GETFATTR) && fs.existsSync(SETFATTR);
}

/** Reads the given xattr names for every entry under `dir` (no symlink following). Keyed by path relative to `dir`. */
export async function readTreeXattrs(dir: string, names: string[]): Promise<Map<string, Record<string, Buffer>>> {
  const out = new Map<string, Record<string, Buffer>>();
  if (!xattrToolsAvailable()) return out;
  const pattern = `^(${names.map((n) => n.replace(/\./g, '\\.')).join('|')})$`;
  // through the host command helper: no fork of the daemon per diff
  const { output: text } = await hostCommand([GETFATTR, '-R', '-P', '-h', '-d', '-m', pattern, '-e', 'hex', '--absolute-names', dir], { discardStderr: true });
  let current: Record<string, Buffer> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      const abs = unescapeGetfattr(line.slice(8));
      const rel = abs === dir ? '' : abs.slice(dir.length + 1);
      current = {};
      out.set(rel, current);
    } else if (current && line.includes('=')) {
      const i = line.indexOf('=');
      const v = line.slice(i + 1);
      current[line.slice(0, i)] = v.startsWith('0x') ? Buffer.from(v.slice(2), 'hex') : Buffer.from(v.replace(/^"|"$/g, ''));
    }
  }
  return out;
}

/** Applies xattrs in one `setfattr --restore` batch. Paths must already be confined host paths. */
export async function writeXattrs(items: { hostPath: string; name: string; value: Buffer }[]): Promise<void> {
  if (items.length === 0) return;
  if (!xattrToolsAvailable()) throw new Error(`cannot set xattrs: ${SETFATTR} is missing (apt-get install attr)`);
  const dump = items.map((i) => `# file: ${escapeGetfattr(i.hostPath)}\n${i.name}=0x${i.value.toString('hex')}\n`).join('\n');
  await new Promise<void>((resolve, reject) => {
    const p = spawn(SETFATTR, ['-h', '--restore=-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`setfattr failed: ${err.trim()}`))));
    p.stdin.end(dump);
  });
}

/** getfattr escapes unusual bytes in names as `\ooo` octal. */
function unescapeGetfattr(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x5c && i + 3 < raw.length + 0 && /^[0-7]{3}$/.test(raw.subarray(i + 1, i + 4).toString())) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 4).toString(), 8));
      i += 3;
    } else bytes.push(raw[i]);
  }
  return Buffer.from(bytes).toString('utf8');
}

function escapeGetfattr(s: string): string {
  return Array.from(Buffer.from(s, 'utf8')).map((b) => (b <= 0x20 || b >= 0x7f || b === 0x5c ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b))).join('');
}
