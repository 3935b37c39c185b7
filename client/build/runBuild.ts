// One build (shared by the Build Image command and the `dockwright` build task): streams the engine's
// output with colours into a terminal, remembers the last step for error mapping, reports the result.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildImage, type Docker } from '../../engine/api/client';
import { ansi } from '../terminal/outputTerminal';
import type { BuildDiagnostics } from './buildDiagnostics';

export interface BuildSpec {
  dockerfile: vscode.Uri;
  contextDir: string;
  tag: string;
  buildArgs?: Record<string, string>;
  target?: string;
  pull?: boolean;
}

export interface BuildOutcome {
  ok: boolean;
  imageId?: string;
  error?: string;
  /** 0-based Dockerfile line of the failing step. */
  errorLine?: number;
}

export async function runBuild(docker: Docker, spec: BuildSpec, localContext: boolean, diagnostics: BuildDiagnostics,
  write: (text: string) => void, signal?: AbortSignal): Promise<BuildOutcome> {
  diagnostics.clear(spec.dockerfile);
  const dockerfile = path.relative(spec.contextDir, spec.dockerfile.fsPath).split(path.sep).join('/');
  write(ansi.dim(`Building ${spec.tag} from ${spec.dockerfile.fsPath} (context ${spec.contextDir})\n`));
  let lastStep: string | undefined;
  try {
    const result = await buildImage(docker, {
      contextDir: spec.contextDir, dockerfile, tag: spec.tag, buildArgs: spec.buildArgs, target: spec.target, pull: spec.pull, localContext, signal,
    }, (m) => {
      if (m.stream) {
        const step = m.stream.match(/^Step \d+\/\d+ : (.*)$/m);
        if (step) lastStep = step[1];
        write(step ? ansi.bold(ansi.cyan(m.stream)) : m.stream);
      } else if (m.status) {
        write(`${m.status}\n`);
      } else if (m.error) {
        write(ansi.red(`${m.errorDetail?.message ?? m.error}\n`));
      }
    });
    if (result.error) {
      const errorLine = await diagnostics.report(spec.dockerfile, lastStep, result.error);
      return { ok: false, error: result.error, errorLine };
    }
    write(ansi.green(`\nBuilt ${spec.tag}${result.imageId ? ` (${result.imageId.replace(/^sha256:/, '').slice(0, 12)})` : ''}\n`));
    return { ok: true, imageId: result.imageId };
  } catch (e) {
    const error = (e as Error).message;
    write(ansi.red(`${error}\n`));
    if (signal?.aborted) return { ok: false, error: 'build cancelled' };
    return { ok: false, error, errorLine: await diagnostics.report(spec.dockerfile, lastStep, error) };
  }
}
