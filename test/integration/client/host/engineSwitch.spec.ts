// Switching engines: the trees follow `dockwright.engine` to another real Docker Engine and back.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { dockwright, env, imageRefs, until } from './hostUtil';

describe('engine switching', function () {
  it('Switch Engine points every tree at another engine, and back', async () => {
    const api = await dockwright();
    const first = env('DW_IT_DOCKERD_HOST');
    const other = env('DW_IT_OTHER_HOST');
    assert.equal(await vscode.commands.executeCommand('dockwright.engine.switch', undefined, undefined, other), 'connected');
    assert.equal(api.engine.label, other);
    await until('the other engine\'s images', async () => { await api.trees.images.refresh(); const refs = await imageRefs(api); return refs.includes('other-only:1') && !refs.includes('busybox:latest'); });
    assert.equal(await vscode.commands.executeCommand('dockwright.engine.switch', undefined, undefined, first), 'connected');
    await until('the first engine\'s images again', async () => { await api.trees.images.refresh(); return (await imageRefs(api)).includes('busybox:latest'); });
  });

  it('an unreachable engine is reported (welcome content state) and the trees are empty', async () => {
    const api = await dockwright();
    assert.equal(await vscode.commands.executeCommand('dockwright.engine.switch', undefined, undefined, 'unix:///nonexistent/dockwright-test.sock'), 'unreachable');
    assert.deepEqual(await api.trees.images.refresh(), []);
    assert.match(api.engine.lastError, /ENOENT|nonexistent/);
    await vscode.commands.executeCommand('dockwright.engine.switch', undefined, undefined, env('DW_IT_DOCKERD_HOST'));
  });
});
