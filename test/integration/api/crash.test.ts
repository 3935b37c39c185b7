// Crash safety of the daemon: kill -9 in the middle of a pull of a multi-layer image, restart, and
// check the store is consistent and the pull completes; two concurrent pulls download each layer once;
// the same crash check for docker load.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEngine, type TestEngine } from '../../harness/engine';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { waitFor } from '../../harness/services';
import { randomLayer } from '../../harness/images';
import { bytesUnder, storeProblems, throttledProxy } from './storeCheck';

describe('engine crash safety (pull, load) and shared pulls', function () {
  this.timeout(300000);
  let reg: TestRegistry;
  let engine: TestEngine;
  let proxy: Awaited<ReturnType<typeof throttledProxy>>;
  let digest: string;

  before(async () => {
    reg = await startRegistry();
    engine = await startEngine();
    const layers = await Promise.all([1, 2, 3, 4].map((i) => randomLayer(`data${i}.bin`, 20 << 20)));
    digest = await pushBusyboxImage(reg.host, 'big', 'v1', { extraLayers: layers });
    // ~8 MB/s per connection: the 80 MB pull takes a few seconds, so the kill lands mid-pull
    proxy = await throttledProxy({ host: '127.0.0.1', port: Number(reg.host.split(':')[1]) }, 8 << 20);
  });
  after(async () => {
    await engine?.stop();
    await proxy?.close();
    await reg?.stop();
  });

  it('kill -9 during a pull leaves a consistent store, and the pull completes after restart', async () => {
    const ref = `127.0.0.1:${proxy.port}/big:v1`;
    const ingest = path.join(engine.dataRoot, 'image/ingest');
    const firstPull = engine.docker(['pull', ref]).then(() => 'completed', (e: Error) => e.message);
    await waitFor('the pull to be downloading layers', () => bytesUnder(ingest) > 10 << 20, 60000, 10);
    await engine.kill9();
    assert.notEqual(await firstPull, 'completed', 'the pull was interrupted');

    assert.deepEqual(await storeProblems(engine.dataRoot), [], 'store consistent right after kill -9');
    await engine.restart();
    assert.deepEqual(await storeProblems(engine.dataRoot), [], 'store consistent after restart');
    await assert.rejects(engine.docker(['image', 'inspect', ref]), /No such image/, 'a half-pulled image is not visible');

    const { stdout } = await engine.docker(['pull', ref]);
    assert.match(stdout, new RegExp(`Digest: ${digest}`));
    assert.deepEqual(await storeProblems(engine.dataRoot), [], 'store consistent after the pull completed');
    const [img] = JSON.parse((await engine.docker(['image', 'inspect', ref])).stdout);
    assert.equal(img.RootFS.Layers.length, 5);
    assert.deepEqual(img.RepoDigests, [`127.0.0.1:${proxy.port}/big@${digest}`]);
  });

  it('two concurrent pulls of the same image share the downloads and both succeed', async () => {
    const ref = `127.0.0.1:${proxy.port}/big:v1`;
    await engine.docker(['rmi', ref]);
    await engine.docker(['image', 'prune', '-af']);
    // blobs stay for a grace period after rmi; a fresh data root makes the downloads real
    await engine.terminate();
    fs.rmSync(path.join(engine.dataRoot, 'image'), { recursive: true, force: true });
    await engine.restart();
    const before = proxy.bytesServed();
    const [a, b] = await Promise.all([engine.docker(['pull', ref]), engine.docker(['pull', ref])]);
    for (const r of [a, b]) assert.match(r.stdout, new RegExp(`Digest: ${digest}`));
    const served = proxy.bytesServed() - before;
    assert.ok(served > 80 << 20, `the layers were downloaded (${served} bytes)`);
    assert.ok(served < 120 << 20, `each layer was downloaded once (${served} bytes for an ~82 MB image)`);
    assert.deepEqual(await storeProblems(engine.dataRoot), []);
  });

  it('kill -9 during a docker load leaves a consistent store, and the load completes after restart', async () => {
    const ref = `127.0.0.1:${proxy.port}/big:v1`;
    const tarFile = path.join(engine.dataRoot, '..', 'big.tar');
    await engine.docker(['save', '-o', tarFile, ref]);
    await engine.docker(['rmi', ref]);
    await engine.terminate();
    fs.rmSync(path.join(engine.dataRoot, 'image'), { recursive: true, force: true });
    await engine.restart();

    // feed the tar slowly through the CLI's stdin so that the kill lands mid-load
    const cli = spawn('docker', ['-H', engine.host, 'load'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((r) => cli.once('exit', r));
    cli.stdin.on('error', () => { /* the daemon went away */ });
    const data = fs.readFileSync(tarFile);
    let sent = 0;
    const feeder = setInterval(() => {
      if (sent >= data.length) return;
      cli.stdin.write(data.subarray(sent, sent + (1 << 20)));
      sent += 1 << 20;
    }, 20);
    try {
      await waitFor('half of the archive to be sent', () => sent > data.length / 2, 60000, 10);
      await engine.kill9();
    } finally {
      clearInterval(feeder);
      cli.stdin.destroy();
    }
    await exited;
    assert.deepEqual(await storeProblems(engine.dataRoot), [], 'store consistent right after kill -9');
    await engine.restart();
    await assert.rejects(engine.docker(['image', 'inspect', ref]), /No such image/, 'a half-loaded image is not visible');
    assert.match((await engine.docker(['load', '-i', tarFile])).stdout, /Loaded image: .*big:v1/);
    assert.deepEqual(await storeProblems(engine.dataRoot), []);
    assert.equal(JSON.parse((await engine.docker(['image', 'inspect', ref])).stdout)[0].RootFS.Layers.length, 5);
  });
});
