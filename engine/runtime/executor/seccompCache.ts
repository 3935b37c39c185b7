// crun compiles the seccomp filter of every container it starts from the JSON rules (libseccomp,
// about a millisecond of CPU for the default filter's rules on three architectures) and keeps the
// result as `seccomp.bpf` in the container's state directory. The filter only depends on the rules,
// so the engine reads it from there once per distinct rule set (while such a container runs) and
// hands it to later containers with crun's `run.oci.seccomp_bpf_data` annotation, which crun
// loads as it is instead of compiling the rules again. The file comes from the engine's private
// runtime state (0700), written by the same crun; only well-formed programs (whole 8-byte BPF
// instructions) are kept. In memory only: a daemon restart compiles once again.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SECCOMP_BPF_ANNOTATION = 'run.oci.seccomp_bpf_data';
/** when to look for the compiled filter after a start (ms): crun writes it before the process runs */
const LOOK_AFTER_MS = [5, 20, 60, 200];
const MAX_BPF_BYTES = 64 * 1024;

export class SeccompFilterCache {
  private readonly filters = new Map<string, string>();
  private readonly looking = new Set<string>();

  constructor(private readonly stateRoot: string) {}

  /** The annotations for a container with these rules: the compiled filter when known. */
  annotationsFor(rules: unknown): Record<string, string> | undefined {
    const b64 = this.filters.get(keyOf(rules));
    return b64 ? { [SECCOMP_BPF_ANNOTATION]: b64 } : undefined;
  }

  /** After container `id` with `rules` was started without a known filter: picks up the one crun compiled. */
  learn(id: string, rules: unknown): void {
    const key = keyOf(rules);
    if (this.filters.has(key) || this.looking.has(key)) return;
    this.looking.add(key);
    const file = path.join(this.stateRoot, id, 'seccomp.bpf');
    const look = (i: number) => {
      const bpf = readFilter(file);
      if (bpf) this.filters.set(key, bpf.toString('base64'));
      if (bpf || i + 1 >= LOOK_AFTER_MS.length) {
        this.looking.delete(key);
        return;
      }
      setTimeout(() => look(i + 1), LOOK_AFTER_MS[i + 1] - LOOK_AFTER_MS[i]).unref();
    };
    setTimeout(() => look(0), LOOK_AFTER_MS[0]).unref();
  }
}

function keyOf(rules: unknown): string {
  return createHash('sha256').update(JSON.stringify(rules)).digest('hex');
}

function readFilter(file: string): Buffer | undefined {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size === 0 || st.size % 8 !== 0 || st.size > MAX_BPF_BYTES) return undefined;
    const bpf = fs.readFileSync(file);
    return bpf.length === st.size ? bpf : undefined;
  } catch {
    return undefined;
  }
}
