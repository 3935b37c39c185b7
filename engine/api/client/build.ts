// POST /build for any engine: a tar of the context (filtered by .dockerignore, as the docker CLI does),
// or, for the bundled engine on the same machine, the local-directory fast path
// (`dockwright.contextDir=<abs dir>`: the engine reads the directory itself, nothing is tarred).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';

export interface BuildRequest {
  contextDir: string;
  /** Dockerfile path relative to `contextDir` (forward slashes). */
  dockerfile: string;
  tag: string;
  buildArgs?: Record<string, string>;
  target?: string;
  pull?: boolean;
  /** Use the bundled engine's local-directory fast path instead of sending a tar. */
  localContext?: boolean;
  signal?: AbortSignal;
}

/** One message of the build's JSON stream. */
export interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

export interface BuildResult {
  imageId?: string;
  /** The engine's error message when the build failed. */
  error?: string;
}

export async function buildImage(docker: Docker, req: BuildRequest, onMessage: (m: BuildMessage) => void): Promise<BuildResult> {
  const options: Record<string, unknown> = {
    t: req.tag, dockerfile: req.dockerfile, rm: true, forcerm: true,
    ...(req.target ? { target: req.target } : {}),
    ...(req.pull ? { pull: '1' } : {}),
    ...(req.buildArgs && Object.keys(req.buildArgs).length ? { buildargs: JSON.stringify(req.buildArgs) } : {}),
  };
  const stream: NodeJS.ReadableStream = req.localContext
    ? await dialBuild(docker, { ...options, 'dockwright.contextDir': path.resolve(req.contextDir) }, req.signal)
    : await docker.buildImage({ context: req.contextDir, src: contextFiles(req.contextDir) }, { ...options, abortSignal: req.signal } as Docker.ImageBuildOptions);
  return new Promise((resolve, reject) => {
    const result: BuildResult = {};
    docker.modem.followProgress(stream, (err: Error | null) => {
      if (err && !result.error) {
        if (req.signal?.aborted) return reject(new Error('build cancelled'));
        result.error = err.message;
      }
      resolve(result);
    }, (m: BuildMessage) => {
      if (m.aux?.ID) result.imageId = m.aux.ID;
      if (m.error) result.error = m.errorDetail?.message ?? m.error;
      const built = m.stream?.match(/^Successfully built ([0-9a-f]{12,64})/);
      if (built && !result.imageId) result.imageId = built[1];
      onMessage(m);
    });
  });
}

/** POST /build with no body (the fast path). */
function dialBuild(docker: Docker, options: Record<string, unknown>, signal?: AbortSignal): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({
      path: '/build?', method: 'POST', options, isStream: true, abortSignal: signal,
      statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
    } as any, (err: any, stream: any) => (err ? reject(err) : resolve(stream as NodeJS.ReadableStream)));
  });
}

/** Every path in the context (dockerode applies .dockerignore to this list). */
export function contextFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => f.split(path.sep).join('/'));
}
