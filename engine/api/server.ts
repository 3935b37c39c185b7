// Starts the daemon: takes the data-root lock, builds the Engine context, registers every route
// module, listens on each `-H` address and prints `API listen on <address>`.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { openImageStore } from '../image';
import { createLogger, type Engine } from './daemon';
import { EventBus } from './events';
import type { DaemonOptions } from './flags';
import { listen } from './listen';
import { lockDataRoot } from './lock';
import { Router } from './router';
import * as routeModules from './routes';

export interface RunningDaemon {
  engine: Engine;
  /** Printable listen addresses (socket path or host:port). */
  addresses: string[];
  close(): Promise<void>;
}

export async function startDaemon(opts: DaemonOptions, announce: (line: string) => void): Promise<RunningDaemon> {
  const log = createLogger(opts.logLevel);
  fs.mkdirSync(opts.dataRoot, { recursive: true, mode: 0o700 });
  const unlock = lockDataRoot(opts.dataRoot);
  const engine: Engine = {
    dataRoot: opts.dataRoot,
    log,
    events: new EventBus(),
    images: openOrUnlock(() => openImageStore(opts.dataRoot), unlock),
    registry: { insecureRegistries: opts.insecureRegistries, maxConcurrentDownloads: opts.maxConcurrentDownloads, maxConcurrentUploads: opts.maxConcurrentUploads },
    runtime: opts.runtime,
  };
  // A crash (kill -9) may have left temp ingest files; blobs and references need no repair.
  await engine.images.recover();
  const servers: http.Server[] = [];
  const cleanups: Array<() => void> = [];
  const close = async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
      // Streams such as /events never end on their own.
      setTimeout(() => s.closeAllConnections(), 2000).unref();
    })));
    await engine.containers?.shutdown?.();
    await engine.builder?.shutdown?.();
    for (const c of cleanups) c();
    unlock();
  };
  try {
    const router = new Router(engine);
    for (const register of Object.values(routeModules)) await register(router, engine);
    const addresses: string[] = [];
    for (const host of opts.hosts) {
      const server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 }, router.handle);
      server.on('upgrade', router.handleUpgrade);
      server.on('clientError', router.handleClientError);
      servers.push(server);
      const l = await listen(server, host, log, opts.group);
      cleanups.push(l.cleanup);
      addresses.push(l.display);
      announce(`API listen on ${l.display}`);
    }
    log.info(`daemon ready: data root ${opts.dataRoot}, runtime ${opts.runtime}`);
    return { engine, addresses, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function openOrUnlock<T>(open: () => T, unlock: () => void): T {
  try {
    return open();
  } catch (e) {
    unlock();
    throw e;
  }
}
