// System routes: /_ping (GET and HEAD), /version.
import * as os from 'node:os';
import type { RegisterRoutes } from './types';
import { API_VERSION, ENGINE_VERSION, MIN_API_VERSION, notImplemented, type RequestContext } from '../router';

function ping(ctx: RequestContext): void {
  const headers = {
    'Api-Version': API_VERSION,
    'Builder-Version': '1',
    'Docker-Experimental': 'false',
    'OSType': 'linux',
    'Swarm': 'inactive',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    'Pragma': 'no-cache',
    'Content-Type': 'text/plain; charset=utf-8',
  };
  if (ctx.method === 'HEAD') {
    ctx.res.writeHead(200, { ...headers, 'Content-Length': '0' });
    ctx.res.end();
    return;
  }
  ctx.res.writeHead(200, { ...headers, 'Content-Length': '2' });
  ctx.res.end('OK');
}

export const goArch = (): string => ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[process.arch] ?? process.arch;

function version(ctx: RequestContext): void {
  const details = { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: 'dockwright', GoVersion: `node${process.versions.node}`, Os: 'linux', Arch: goArch(), KernelVersion: os.release(), Experimental: 'false', BuildTime: '' };
  ctx.send(200, {
    Platform: { Name: 'Dockwright Engine' },
    Components: [{ Name: 'Engine', Version: ENGINE_VERSION, Details: details }],
    Version: ENGINE_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: 'dockwright',
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: goArch(),
    KernelVersion: os.release(),
    BuildTime: '',
  });
}

/** buildx's docker driver needs BuildKit's /session and /grpc (h2c): say clearly what to do instead. */
function noBuildKit(): never {
  throw notImplemented('BuildKit is not supported by the Dockwright engine: use the classic builder (DOCKER_BUILDKIT=0 docker build …)');
}

export const register: RegisterRoutes = (router) => {
  router.get('/_ping', ping).head('/_ping', ping).get('/version', version)
    .post('/session', noBuildKit).post('/grpc', noBuildKit);
};
