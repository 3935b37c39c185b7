// Subordinate id ranges for the non-root users of rootless tests, as on a fresh machine: a range
// of 65536 ids in /etc/subuid and /etc/subgid after every range there, or none. Serialised with
// the harness's useradd lock (several test files change these files).
import { execFileSync } from 'node:child_process';

const LOCK = '/tmp/dw-useradd.lock';

/** A range of 65536 ids for `user` in /etc/subuid and /etc/subgid (kept when it has one). */
export function ensureSubordinateIds(user: string): void {
  const script = `for f in /etc/subuid /etc/subgid; do
    touch "$f"
    grep -q "^${user}:" "$f" || awk -F: 'BEGIN{m=100000} NF==3 && $2+$3>m {m=$2+$3} END{print "${user}:" m ":65536"}' "$f" >> "$f"
  done`;
  execFileSync('flock', [LOCK, 'sh', '-c', script]);
}

/** No range for `user` (useradd may have made one). */
export function dropSubordinateIds(user: string): void {
  execFileSync('flock', [LOCK, 'sh', '-c', `for f in /etc/subuid /etc/subgid; do [ -f "$f" ] && sed -i '/^${user}:/d' "$f"; done; true`]);
}
