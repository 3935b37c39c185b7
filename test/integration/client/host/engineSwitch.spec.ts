// Switching engines: the trees follow `dockwright.engine` from the bundled engine to a real Docker
// Engine, to another one, and back. (Leaves the extension on the first real dockerd for the later specs.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { dockwright, env, imageRefs, until } from './hostUtil';

const switchTo = (engine: string) => vscode.commands.executeCommand('dockwright.engine.switch', undefined, undefined, engine);

describe('engine switching', function () {
  it('Switch Engine points every tree from the bundled engine at a real dockerd, at another one, and back', async () => {
    const api = await dockwright();
    const first = env('DW_IT_DOCKERD_HOST');
    const other = env('DW_IT_OTHER_HOST');
    assert.equal(api.engine.isBundled, true);
    await until('the bundled engine\'s images', async () => { await api.trees.images.refresh(); return (await imageRefs(api)).includes('it-app:1'); });
    assert.equal(await switchTo(first), 'connected');
    assert.equal(api.engine.isBundled, false);
    await until('the dockerd\'s images', async () => { await api.trees.images.refresh(); const refs = await imageRefs(api); return refs.includes('busybox:latest') && !refs.includes('it-app:1'); });
    assert.equal(await switchTo(other), 'connected');
    assert.equal(api.engine.label, other);
    await until('the other engine\'s images', async () => { await api.trees.images.refresh(); const refs = await imageRefs(api); return refs.includes('other-only:1') && !refs.includes('busybox:latest'); });
    assert.equal(await switchTo(first), 'connected');
    await until('the first engine\'s images again', async () => { await api.trees.images.refresh(); return (await imageRefs(api)).includes('busybox:latest'); });
  });

  it('an unreachable engine is reported (welcome content state) and the trees are empty', async () => {
    const api = await dockwright();
    assert.equal(await switchTo('unix:///nonexistent/dockwright-test.sock'), 'unreachable');
    assert.deepEqual(await api.trees.images.refresh(), []);
    assert.match(api.engine.lastError, /ENOENT|nonexistent/);
    assert.equal(await switchTo(env('DW_IT_DOCKERD_HOST')), 'connected');
  });
});
