// The `Engine` context every route handler gets (as `ctx.engine`): the data root, logger, event bus,
// image store and registry options, plus the slots the container runtime and the builder fill in
// when their route modules register (see routes/index.ts).
import type { ContainerUse, ImageStore } from '../image';
import type { EventBus } from './events';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];

/** A leveled logger writing dockerd-style lines (`time="…" level=info msg="…"`) to stderr. */
export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = LEVELS.indexOf(level);
  const at = (l: LogLevel) => (msg: string) => {
    if (LEVELS.indexOf(l) >= min) write(`time="${new Date().toISOString()}" level=${l} msg=${JSON.stringify(msg)}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function isLogLevel(v: string): v is LogLevel {
  return (LEVELS as string[]).includes(v);
}

export type RuntimeChoice = 'auto' | 'crun' | 'runc' | 'rootless';

export interface RegistryOptions {
  /** `HOST[:PORT]` entries from `--insecure-registry`: HTTPS without certificate checks, then plain HTTP (loopback is always plain HTTP). */
  insecureRegistries: string[];
  /** `--max-concurrent-downloads`: parallel layer downloads per pull. */
  maxConcurrentDownloads: number;
  /** `--max-concurrent-uploads`: parallel layer uploads per push. */
  maxConcurrentUploads: number;
}

/** What the container runtime (engine/runtime, helper C) provides to the rest of the API. */
export interface ContainerSlot {
  /** Containers, in any state, created from the image with this id (`sha256:…`). */
  usingImage(imageId: string): ContainerUse[];
  /** Ids of every image some container (in any state) uses, for `image prune`. */
  imagesInUse(): Set<string>;
  /** Container counts for `/info`. */
  counts(): { running: number; paused: number; stopped: number };
  /** The executor `--runtime` resolved to (`crun`, `runc`, `rootless`), for `/info`. */
  runtime?: string;
  /** `Containers` of `/system/df` (ContainerSummary objects with `SizeRw`/`SizeRootFs`). */
  diskUsage?(): Promise<unknown[]>;
  /** `Volumes` of `/system/df` (Volume objects with `UsageData`). */
  volumesDiskUsage?(): Promise<unknown[]>;
  /** Called on daemon shutdown. */
  shutdown?(): Promise<void>;
}

/** What the builder (engine/build, helper B) provides to the rest of the API. */
export interface BuilderSlot {
  /** `BuildCache` of `/system/df`. */
  diskUsage?(): Promise<unknown[]>;
  shutdown?(): Promise<void>;
}

export interface Engine {
  /** `--data-root`; each part owns a subdirectory (image/, build/, containers/, volumes/, snapshots/). */
  dataRoot: string;
  log: Logger;
  events: EventBus;
  /** The image store (engine/image) under `<dataRoot>/image`. */
  images: ImageStore;
  registry: RegistryOptions;
  /** `--runtime`, passed through to the container runtime. */
  runtime: RuntimeChoice;
  /** Filled by the containers route module when it registers. */
  containers?: ContainerSlot;
  /** Filled by the build route module when it registers. */
  builder?: BuilderSlot;
}
