// GET /info and GET /system/df.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Engine } from '../daemon';
import { API_VERSION, ENGINE_VERSION, type RequestContext } from '../router';
import { imageSummaryJson } from './images';
import type { RegisterRoutes } from './types';

/** A stable daemon ID kept in the data root (dockerd's engine-id). */
function engineId(dataRoot: string): string {
  const file = path.join(dataRoot, 'engine-id');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const id = randomUUID();
    fs.writeFileSync(file, `${id}\n`, { mode: 0o600 });
    return id;
  }
}

function cgroupVersion(): string {
  return fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1';
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

async function info(ctx: RequestContext): Promise<void> {
  const engine: Engine = ctx.engine;
  const images = await engine.images.list();
  const counts = engine.containers?.counts() ?? { running: 0, paused: 0, stopped: 0 };
  const insecure = engine.registry.insecureRegistries;
  ctx.send(200, {
    ID: engineId(engine.dataRoot),
    Containers: counts.running + counts.paused + counts.stopped,
    ContainersRunning: counts.running,
    ContainersPaused: counts.paused,
    ContainersStopped: counts.stopped,
    Images: images.length,
    Driver: 'dockwright',
    DriverStatus: [['Data root', engine.dataRoot]],
    Plugins: { Volume: ['local'], Network: ['host', 'none'], Authorization: null, Log: ['json-file'] },
    MemoryLimit: true, SwapLimit: false, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true, PidsLimit: true,
    IPv4Forwarding: false, BridgeNfIptables: false, BridgeNfIp6tables: false,
    Debug: false, NFd: 0, OomKillDisable: false, NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: cgroupVersion(),
    NEventsListener: 0,
    KernelVersion: os.release(),
    OperatingSystem: osName(),
    OSVersion: '',
    OSType: 'linux',
    Architecture: os.machine(),
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: [], AllowNondistributableArtifactsHostnames: [],
      InsecureRegistryCIDRs: ['127.0.0.0/8'],
      IndexConfigs: Object.fromEntries(insecure.map((h) => [h, { Name: h, Mirrors: [], Secure: false, Official: false }])),
      Mirrors: [],
    },
    NCPU: os.cpus().length,
    MemTotal: os.totalmem(),
    GenericResources: null,
    DockerRootDir: engine.dataRoot,
    HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '',
    HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
    NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
    Name: os.hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: ENGINE_VERSION,
    Runtimes: { [engine.containers?.runtime ?? engine.runtime]: { path: engine.containers?.runtime ?? engine.runtime } },
    DefaultRuntime: engine.containers?.runtime ?? engine.runtime,
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: '',
    ContainerdCommit: { ID: '', Expected: '' },
    RuncCommit: { ID: '', Expected: '' },
    InitCommit: { ID: '', Expected: '' },
    // the bubblewrap fallback (`rootless`) runs without the seccomp filter (docs/security.md)
    SecurityOptions: [...((engine.containers?.runtime ?? engine.runtime) === 'rootless' ? [] : ['name=seccomp,profile=builtin']), ...((process.getuid?.() ?? 0) === 0 ? [] : ['name=rootless'])],
    Warnings: null,
    ApiVersion: API_VERSION,
  });
}

async function diskUsage(ctx: RequestContext): Promise<void> {
  const engine = ctx.engine;
  const summaries = await engine.images.list();
  const layerSizes = new Map<string, number>();
  for (const s of summaries) {
    const d = await engine.images.inspect(s.id);
    for (const l of d.layers) {
      if (!layerSizes.has(l.digest)) layerSizes.set(l.digest, (await engine.images.content.layerInfo(l.digest)).uncompressedSize);
    }
  }
  const containers = engine.containers;
  ctx.send(200, {
    LayersSize: [...layerSizes.values()].reduce((a, b) => a + b, 0),
    Images: summaries.map((s) => ({ ...imageSummaryJson(s, ctx.apiVersion, containers ? containers.usingImage(s.id).length : 0), SharedSize: 0 })),
    Containers: (await containers?.diskUsage?.()) ?? [],
    Volumes: (await containers?.volumesDiskUsage?.()) ?? [],
    BuildCache: (await engine.builder?.diskUsage?.()) ?? [],
  });
}

export const register: RegisterRoutes = (router) => {
  router.get('/info', info).get('/system/df', diskUsage);
};
