// SSH host key verification against OpenSSH's known_hosts files, as the docker CLI gets it from `ssh`:
// plain and hashed (`|1|salt|hmac`) host patterns, `[host]:port` for non-default ports, wildcards and
// negation, `@revoked` markers. Hand-written because ssh2 only offers a `hostVerifier` hook and no npm
// package for known_hosts matching is well kept; the format is small (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT").
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const defaultKnownHostsFiles = (): string[] => [path.join(os.homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];

interface KnownHostEntry {
  marker?: string;
  patterns: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyVerdict = { ok: true } | { ok: false; reason: string };

/** Checks the server's public key blob (SSH wire format) for `host:port` against the known_hosts files. */
export function verifyHostKey(host: string, port: number, key: Buffer, files: string[] = defaultKnownHostsFiles()): HostKeyVerdict {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const entries = files.flatMap(readEntries).filter((e) => hostMatches(e.patterns, name));
  const keyType = wireKeyType(key);
  const same = (e: KnownHostEntry) => e.key.equals(key);
  const addHint = `add it after checking its fingerprint: ssh-keyscan ${port === 22 ? '' : `-p ${port} `}${host} >> ~/.ssh/known_hosts`;
  if (entries.some((e) => e.marker === '@revoked' && same(e))) {
    return { ok: false, reason: `the ${keyType} host key of ${name} is marked @revoked in known_hosts` };
  }
  if (entries.some((e) => !e.marker && same(e))) return { ok: true };
  if (entries.some((e) => !e.marker && e.keyType === keyType)) {
    return { ok: false, reason: `the ${keyType} host key of ${name} does not match the one in known_hosts (REMOTE HOST IDENTIFICATION HAS CHANGED; `
      + `possible man-in-the-middle attack). If the host was really re-keyed, remove the old entry (ssh-keygen -R '${name}') and ${addHint}` };
  }
  return { ok: false, reason: `the ${keyType} host key of ${name} is not in known_hosts (${files.join(', ')}); ${addHint}` };
}

function readEntries(file: string): KnownHostEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) continue;
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    const [patterns, keyType, b64] = fields;
    if (!patterns || !keyType || !b64) continue;
    entries.push({ marker, patterns, keyType, key: Buffer.from(b64, 'base64') });
  }
  return entries;
}

/** A comma-separated pattern list (or one hashed name) matches when some pattern matches and no negated one does. */
function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    return Boolean(salt && hash) && createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    const negated = p.startsWith('!');
    if (!globMatches(negated ? p.slice(1) : p, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function globMatches(pattern: string, name: string): boolean {
  const re = pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name.toLowerCase());
}

/** The key type string at the start of an SSH public key blob (uint32 length + name). */
function wireKeyType(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('latin1');
}
