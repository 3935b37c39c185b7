// The bundled engine: started on demand by the extension (detached, private socket from the test
// environment), version-checked, and Build Image goes through the local-directory fast path.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as vscode from 'vscode';
import { dockwright, engineAt, env, imageRefs, until } from './hostUtil';

const cmd = (id: string, ...args: unknown[]) => vscode.commands.executeCommand<any>(`dockwright.${id}`, ...args);

describe('the bundled engine', function () {
  this.timeout(180000);
  const socket = env('DOCKWRIGHT_ENGINE_SOCKET');
  const bundled = engineAt(`unix://${socket}`);
  let api: any;

  before(async () => {
    api = await dockwright();
  });

  after(async () => {
    await cmd('engine.switch', undefined, undefined, env('DW_IT_DOCKERD_HOST'));
  });

  it('Start Bundled Engine starts dist/engine.js on the private socket with this extension\'s version', async () => {
    assert.equal(await cmd('engine.startBundled'), 'connected', api.engine.lastError);
    assert.equal(api.engine.endpoint.socketPath, socket);
    const version = await bundled.version();
    assert.equal(version.Version, vscode.extensions.getExtension('dockwright.dockwright')!.packageJSON.version);
  });

  it('Build Image uses the local-directory fast path and the image appears in the tree', async () => {
    const tar = Buffer.from(await (await import('node:fs/promises')).readFile(env('DW_IT_BUSYBOX_TAR')));
    const stream = await (bundled.importImage(Readable.from(tar) as any, { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] } as any) as unknown as Promise<NodeJS.ReadableStream>);
    await new Promise<void>((resolve, reject) => bundled.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
    const dockerfile = vscode.Uri.file(path.join(env('DW_IT_WORKSPACE'), 'Dockerfile'));
    assert.equal(api.engine.isBundled, true); // → buildImage({ localContext: true }): no tar is sent
    const outcome = await cmd('images.build', dockerfile, undefined, { tag: 'bundled-app:1', buildArgs: { GREETING: 'from-bundled' }, target: 'final' });
    assert.equal(outcome?.ok, true, outcome?.error);
    await until('the image in the tree', async () => { await api.trees.images.refresh(); return (await imageRefs(api)).includes('bundled-app:1'); });
  });
});
