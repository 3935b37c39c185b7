/**
 * PAX tar header encoding for the layers we write. Hand-written instead of tar-stream's pack
 * because tar-stream encodes PAX records as UTF-8 strings, which corrupts binary xattr values
 * (`SCHILY.xattr.security.capability`), and its header choices (ustar prefix splitting) differ from
 * Go's archive/tar that Docker's layers come from. Rules follow Go: a PAX record is written for a
 * field that does not fit ustar (non-ASCII or long names, big ids/sizes) and for xattrs.
 */

export type EntryType = 'file' | 'hardlink' | 'symlink' | 'dir' | 'char' | 'block' | 'fifo';

export interface TarHeader {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, Buffer>;
}

const TYPEFLAG: Record<EntryType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);

function octal(buf: Buffer, off: number, len: number, value: number): void {
  buf.write(value.toString(8).padStart(len - 1, '0') + '\0', off, len, 'ascii');
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function ustar(h: { name: string; typeflag: string; mode: number; uid: number; gid: number; size: number; mtime: number; linkname: string; devmajor: number; devminor: number }): Buffer {
  const b = Buffer.alloc(512);
  b.write(h.name, 0, 100, 'utf8');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, h.uid);
  octal(b, 116, 8, h.gid);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, h.mtime);
  b.fill(0x20, 148, 156);
  b.write(h.typeflag, 156, 1, 'ascii');
  b.write(h.linkname, 157, 100, 'utf8');
  b.write('ustar\x0000', 257, 8, 'ascii');
  octal(b, 329, 8, h.devmajor);
  octal(b, 337, 8, h.devminor);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += b[i];
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return b;
}

const MAX_OCTAL_8 = 0o7777777;
const MAX_OCTAL_12 = 0o77777777777;

/** The header block(s) for one entry (a PAX 'x' header first when needed). */
export function encodeHeader(e: TarHeader): Buffer {
  const name = e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  const linkname = e.linkname ?? '';
  const records: Buffer[] = [];
  if (Buffer.byteLength(name) > 100 || !isAscii(name)) records.push(paxRecord('path', Buffer.from(name)));
  if (Buffer.byteLength(linkname) > 100 || !isAscii(linkname)) records.push(paxRecord('linkpath', Buffer.from(linkname)));
  if (e.size > MAX_OCTAL_12) records.push(paxRecord('size', Buffer.from(String(e.size))));
  if (e.uid > MAX_OCTAL_8) records.push(paxRecord('uid', Buffer.from(String(e.uid))));
  if (e.gid > MAX_OCTAL_8) records.push(paxRecord('gid', Buffer.from(String(e.gid))));
  for (const k of Object.keys(e.xattrs ?? {}).sort()) records.push(paxRecord(`SCHILY.xattr.${k}`, e.xattrs![k]));
  const main = ustar({
    name: asciiFit(name), typeflag: TYPEFLAG[e.type], mode: e.mode & 0o7777,
    uid: Math.min(e.uid, MAX_OCTAL_8), gid: Math.min(e.gid, MAX_OCTAL_8), size: Math.min(e.size, MAX_OCTAL_12), mtime: Math.max(0, e.mtime),
    linkname: asciiFit(linkname), devmajor: e.devmajor ?? 0, devminor: e.devminor ?? 0,
  });
  if (records.length === 0) return main;
  const pax = Buffer.concat(records);
  const paxName = asciiFit(`PaxHeaders.0/${name.replace(/\/$/, '').split('/').pop()}`);
  const paxHeader = ustar({ name: paxName, typeflag: 'x', mode: 0o644, uid: 0, gid: 0, size: pax.length, mtime: Math.max(0, e.mtime), linkname: '', devmajor: 0, devminor: 0 });
  return Buffer.concat([paxHeader, pad(pax), main]);
}

/** Truncates to the 100-byte ustar field at an ASCII-safe boundary (the real value is in PAX). */
function asciiFit(s: string): string {
  let out = s.replace(/[^\x00-\x7f]/g, '_');
  if (out.length > 100) out = out.slice(0, 100);
  return out;
}

export function pad(b: Buffer): Buffer {
  const rem = b.length % 512;
  return rem === 0 ? b : Buffer.concat([b, Buffer.alloc(512 - rem)]);
}

export const paddingFor = (size: number) => (size % 512 === 0 ? 0 : 512 - (size % 512));

/** Two zero blocks end the archive. */
export const END_OF_ARCHIVE = Buffer.alloc(1024);
