// Differential build tests: the same contexts built by Dockwright and by the reference Docker
// Engine (Debian's docker.io, classic builder), both driven by the docker CLI with
// DOCKER_BUILDKIT=0; the flattened filesystems (path, type, mode, uid, gid, size, link target,
// content hash) and the config fields of the resulting images must be equal. Where dockerd 20.10's
// classic builder differs from BuildKit, cases.ts rewrites dockerd's result into BuildKit's (the
// issue says to follow BuildKit) and says why.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDockerd, type TestDockerd } from '../../harness/dockerd';
import { startEngine, type TestEngine } from '../../harness/engine';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, tempDir } from '../../harness/services';
import { buildCases, type BuildCase, type ContextFile } from './cases';
import { configView, diffViews, flattenSavedImage, flattenStoreImage, snapshotDir } from './flatten';

const CLASSIC = { DOCKER_BUILDKIT: '0' };

function writeContext(dir: string, files: Record<string, ContextFile>, dockerfile: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, f] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof f === 'string' || Buffer.isBuffer(f)) fs.writeFileSync(p, f);
    else if ('symlink' in f) fs.symlinkSync(f.symlink, p);
    else {
      fs.writeFileSync(p, f.content);
      fs.chmodSync(p, f.mode);
    }
  }
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
}

describe('build: differential against dockerd (classic builder, BuildKit semantics where they differ)', function () {
  this.timeout(20 * 60_000);
  let registry: TestRegistry;
  let dockerd: TestDockerd;
  let engine: TestEngine;
  let work: string;
  let base: string;
  let cases: BuildCase[];

  before(async () => {
    work = tempDir('build-diff');
    cases = await buildCases();
    registry = await startRegistry();
    [dockerd, engine] = await Promise.all([startDockerd(), startEngine()]);
    await pushBusyboxImage(registry.host, 'busybox', 'latest');
    base = `${registry.host}/busybox:latest`;
    await Promise.all([dockerd.docker(['pull', '-q', base]), engine.docker(['pull', '-q', base])]);
  });

  after(async () => {
    await Promise.allSettled([engine?.stop(), dockerd?.stop(), registry?.stop()]);
    if (work) removeDir(work);
  });

  async function buildOn(which: 'ours' | 'theirs', c: BuildCase, ctxDir: string, tag: string): Promise<string> {
    const docker = which === 'ours' ? engine.docker : dockerd.docker;
    const args = ['build', '--network=none', '-t', tag, ...(c.args ?? []), ctxDir];
    try {
      return (await docker(args, { env: CLASSIC, timeoutMs: 300_000 })).stdout;
    } catch (e) {
      throw new Error(`${which}: ${(e as Error).message}${which === 'ours' ? `\n--- engine log ---\n${engine.logs().slice(-3000)}` : ''}`);
    }
  }

  for (const [i, name] of ['metadata', 'copy-rules', 'wildcards', 'multi-stage', 'arg-scoping', 'chown-user-names', 'add-archives',
    'whiteouts-and-replacements', 'links', 'unicode-and-spaces', 'big-file', 'dockerignore-exceptions', 'dockerignore-doublestar', 'onbuild', 'workdir-under-user',
    'volume-write-kept', 'env-and-shell-forms', 'stage-arg-inheritance', 'copy-from-image-and-target', 'entrypoint-resets-inherited-cmd',
    'cli-labels-and-build-args-in-run', 'copy-over-existing', 'run-modes-and-owners', 'add-compressed-archives'].entries()) {
    it(`${i + 1}. ${name}: same filesystem and config as docker build`, async () => {
      const c = cases.find((x) => x.name === name)!;
      const dir = path.join(work, name);
      const ctxDir = path.join(dir, 'context');
      const tag = `diff-${name}:latest`;
      if (c.parent) {
        const parentCtx = path.join(dir, 'parent');
        writeContext(parentCtx, c.files, c.parent.dockerfile.replaceAll('{{BASE}}', base));
        await Promise.all([buildOn('ours', c, parentCtx, c.parent.tag), buildOn('theirs', c, parentCtx, c.parent.tag)]);
      }
      writeContext(ctxDir, c.files, c.dockerfile.replaceAll('{{BASE}}', base));
      await Promise.all([buildOn('ours', c, ctxDir, tag), buildOn('theirs', c, ctxDir, tag)]);

      const saveTar = path.join(dir, 'theirs.tar');
      await dockerd.docker(['save', '-o', saveTar, tag]);
      await flattenSavedImage(saveTar, path.join(dir, 'theirs'));
      await flattenStoreImage(engine.dataRoot, tag, path.join(dir, 'ours'));
      const theirs = snapshotDir(path.join(dir, 'theirs'));
      const ours = snapshotDir(path.join(dir, 'ours'));
      const inspect = async (d: typeof dockerd.docker) => JSON.parse((await d(['image', 'inspect', '--format', '{{json .Config}}', tag])).stdout) as Record<string, unknown>;
      const theirsConfig = await inspect(dockerd.docker);
      const oursConfig = await inspect(engine.docker);
      c.buildkit?.(theirs, theirsConfig);
      const diffs = diffViews(ours, theirs);
      assert.equal(diffs.length, 0, `filesystem differs in ${diffs.length} paths:\n${diffs.slice(0, 30).join('\n')}`);
      assert.ok(Object.keys(ours).length > 10, 'the flattened image has content');
      assert.deepEqual(configView(oursConfig), configView(theirsConfig));
      removeDir(dir);
    });
  }
});
