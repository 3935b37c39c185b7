// Small raw probes of an Engine API unix socket (used before a dockerode client exists for it).
import * as http from 'node:http';

export interface EngineVersion {
  Version: string;
  ApiVersion: string;
  /** Only the bundled engine reports its pid (used to restart it after an update). */
  Pid?: number;
}

/** GET /version on a unix socket; rejects when nothing answers. */
export function engineVersion(socketPath: string, timeoutMs = 2000): Promise<EngineVersion> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: '/version', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Polls /version until the engine answers (or rejects after `timeoutMs`). */
export async function waitForEngine(socketPath: string, timeoutMs: number): Promise<EngineVersion> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await engineVersion(socketPath, 1000);
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`the engine did not answer on ${socketPath} within ${timeoutMs} ms: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
