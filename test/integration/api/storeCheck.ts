// Helpers for crash tests: an independent consistency check of an engine's image store, random
// incompressible layers, and a bandwidth-throttling TCP proxy so a pull is reliably still running
// when the daemon is killed.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { openImageStore, type ImageManifest } from '../../../engine/image';

async function sha256File(file: string): Promise<{ digest: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${h.digest('hex')}`, size };
}

/**
 * Every stored blob hashes to its name; every reference names a recorded image; every record's
 * manifests, config and layers are stored with their declared sizes. Returns the problems found.
 */
export async function storeProblems(dataRoot: string): Promise<string[]> {
  const store = openImageStore(dataRoot);
  const problems: string[] = [];
  const sizes = new Map<string, number>();
  for (const d of await store.content.list()) {
    const { digest, size } = await sha256File(store.content.blobPath(d));
    if (digest !== d) problems.push(`blob ${d} hashes to ${digest}`);
    sizes.set(d, size);
  }
  const need = (d: string, size: number, what: string) => {
    if (!sizes.has(d)) problems.push(`${what} ${d} is missing`);
    else if (sizes.get(d) !== size) problems.push(`${what} ${d} has ${sizes.get(d)} bytes, expected ${size}`);
  };
  const records = await store.records();
  const ids = new Set(records.map((r) => r.id));
  for (const [ref, id] of Object.entries(await store.references())) {
    if (!ids.has(id)) problems.push(`reference ${ref} points at missing image ${id}`);
  }
  for (const rec of records) {
    for (const m of rec.manifests) {
      need(m.digest, m.size, `manifest of ${rec.id}`);
      if (!sizes.has(m.digest)) continue;
      const man = JSON.parse(fs.readFileSync(store.content.blobPath(m.digest), 'utf8')) as ImageManifest;
      need(man.config.digest, man.config.size, `config of ${rec.id}`);
      for (const l of man.layers) need(l.digest, l.size, `layer of ${rec.id}`);
    }
  }
  return problems;
}


/** A TCP proxy to `target` that delivers the target's responses at about `bytesPerSecond` per connection, counting them. */
export async function throttledProxy(target: { host: string; port: number }, bytesPerSecond: number): Promise<{ port: number; bytesServed(): number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let served = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      served += chunk.length;
      client.write(chunk);
      setTimeout(() => upstream.resume(), (chunk.length / bytesPerSecond) * 1000);
    });
    upstream.on('end', () => client.end());
    const close = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    bytesServed: () => served,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** Total bytes of files under `dir` (0 when missing). */
export function bytesUnder(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const st = fs.statSync(path.join(dir, f), { throwIfNoEntry: false });
    if (st?.isFile()) total += st.size;
  }
  return total;
}
