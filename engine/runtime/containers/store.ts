// Container records on disk: `<dataRoot>/containers/<id>/container.json`, written atomically
// (temp file, fsync unless told otherwise, rename) so a crash leaves the old or the new state, never half of one.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerRecord } from './types';

const RECORD = 'container.json';
/** name prefix of removed containers' directories until their files are deleted */
const TRASH = '.removed-';

export class ContainerStore {
  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  dir(id: string): string {
    if (!/^[a-f0-9]{64}$/.test(id)) throw new Error(`invalid container id: ${id}`);
    return path.join(this.root, id);
  }

  /** `durable`: fsync before the rename (else a crash of the machine may keep the previous record). */
  save(rec: ContainerRecord, durable = true): void {
    const dir = this.dir(rec.Id);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, RECORD);
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(rec));
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  }

  loadAll(): ContainerRecord[] {
    const out: ContainerRecord[] = [];
    for (const id of fs.readdirSync(this.root)) {
      if (id.startsWith(TRASH)) {
        fs.rmSync(path.join(this.root, id), { recursive: true, force: true });
        continue;
      }
      if (!/^[a-f0-9]{64}$/.test(id)) continue;
      try {
        out.push(JSON.parse(fs.readFileSync(path.join(this.root, id, RECORD), 'utf8')) as ContainerRecord);
      } catch {
        // a directory without a committed record (crash during create): ignored
      }
    }
    return out;
  }

  /**
   * Removes the record at once (its directory is renamed away: one syscall before `docker rm`
   * and `--rm` are answered) and its files (logs, bundle) in the background; a crash in between
   * leaves a trash directory that loadAll() deletes.
   */
  delete(id: string): void {
    const trash = path.join(this.root, `${TRASH}${id}-${randomBytes(4).toString('hex')}`);
    try {
      fs.renameSync(this.dir(id), trash);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    void fs.promises.rm(trash, { recursive: true, force: true }).catch(() => undefined);
  }
}
