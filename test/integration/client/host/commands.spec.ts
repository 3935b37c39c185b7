// Every command's effect on the engine and on the trees, inside a real extension host (code-server)
// against the default engine — the bundled one (dist/engine.js, started on demand on the private
// socket from the test environment) — and a real registry.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { containerNode, dockwright, engineAt, env, imageRefs, treeLabels, until } from './hostUtil';

/** A TCP port nothing listens on (the OS picks it). */
const freeTcpPort = () => new Promise<number>((resolve, reject) => {
  const srv = net.createServer().listen(0, '127.0.0.1', () => { const { port } = srv.address() as net.AddressInfo; srv.close(() => resolve(port)); });
  srv.on('error', reject);
});

const cmd = (id: string, ...args: unknown[]) => vscode.commands.executeCommand<any>(`dockwright.${id}`, ...args);

describe('commands against the bundled engine', function () {
  const workspace = env('DW_IT_WORKSPACE');
  const socket = env('DOCKWRIGHT_ENGINE_SOCKET');
  const docker = engineAt(`unix://${socket}`);
  const registry = env('DW_IT_REGISTRY');
  let api: any;
  const imageNode = async (ref: string) => (await api.trees.images.refresh()).flatMap((g: any) => g.children ?? []).find((n: any) => n.data.ref === ref);

  before(async () => {
    api = await dockwright();
  });

  it('the default engine is the bundled one: dist/engine.js started on demand on the private socket, this extension\'s version', async () => {
    assert.equal(api.engine.isBundled, true);
    await until('the engine connection', async () => (await api.engine.client()) && api.engine.state === 'connected', 60000);
    assert.equal(api.engine.endpoint.socketPath, socket);
    assert.equal((await docker.version()).Version, vscode.extensions.getExtension('dockwright.dockwright')!.packageJSON.version);
    // Seed it with a busybox base image (imported: no network).
    const tar = Buffer.from(await (await import('node:fs/promises')).readFile(env('DW_IT_BUSYBOX_TAR')));
    const stream = await (docker.importImage((await import('node:stream')).Readable.from(tar) as any, { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] } as any) as unknown as Promise<NodeJS.ReadableStream>);
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  });

  it('lists the engine\'s images grouped by repository, tag as label, age and size as description', async () => {
    const groups = await api.trees.images.refresh();
    const busybox = groups.find((g: any) => g.label === 'busybox');
    assert.ok(busybox, `no busybox group in ${groups.map((g: any) => g.label)}`);
    assert.equal(busybox.children[0].label, 'latest');
    assert.match(busybox.children[0].description, /ago|just now/);
    assert.match(busybox.children[0].description, /\d+(\.\d)? (KB|MB)/);
    assert.equal(busybox.children[0].contextValue, 'image');
  });

  it('dangling images are hidden unless toggled', async () => {
    const tar = Buffer.from(await (await import('node:fs/promises')).readFile(env('DW_IT_BUSYBOX_TAR')));
    const stream = await (docker.importImage((await import('node:stream')).Readable.from(tar) as any, {} as any) as unknown as Promise<NodeJS.ReadableStream>);
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
    const groups = async () => (await api.trees.images.refresh()).map((g: any) => g.label);
    assert.ok(!(await groups()).includes('<none>'));
    await cmd('images.showDangling');
    try {
      await until('the <none> group', async () => (await groups()).includes('<none>'));
      const dangling = (await api.trees.images.allNodes()).find((n: any) => n.contextValue === 'image:dangling');
      assert.match(String(dangling.label), /^[0-9a-f]{12}$/);
    } finally {
      await cmd('images.hideDangling');
    }
    await until('the <none> group hidden again', async () => !(await groups()).includes('<none>'));
  });

  it('Build Image builds the Dockerfile with its tag, args and target, and the image appears in the tree', async () => {
    const dockerfile = vscode.Uri.file(path.join(workspace, 'Dockerfile'));
    assert.equal(api.engine.isBundled, true); // → buildImage({ localContext: true }): the local-directory fast path, no tar sent
    const outcome = await cmd('images.build', dockerfile, undefined, { tag: 'it-app:1', buildArgs: { GREETING: 'hi-from-arg' }, target: 'final' });
    assert.equal(outcome?.ok, true, outcome?.error);
    const info = await docker.getImage('it-app:1').inspect();
    assert.ok(info.Config.Env.includes('GREETING=hi-from-arg'), JSON.stringify(info.Config.Env));
    assert.ok(info.Config.Labels?.stage === 'final');
    assert.ok((await imageRefs(api)).includes('it-app:1'));
  });

  it('a failing build step becomes a diagnostic on its Dockerfile line', async () => {
    const dockerfile = vscode.Uri.file(path.join(workspace, 'Dockerfile.fail'));
    const outcome = await cmd('images.build', dockerfile, undefined, { tag: 'it-fail:1' });
    assert.equal(outcome?.ok, false);
    assert.equal(outcome.errorLine, 2);
    const diags = vscode.languages.getDiagnostics(dockerfile).filter((d) => d.source === 'dockwright-build');
    assert.equal(diags.length, 1);
    assert.equal(diags[0].range.start.line, 2);
    assert.match(diags[0].message, /non-zero code|exit/i);
  });

  it('Tag adds a name; Inspect and History open read-only documents', async () => {
    await cmd('images.tag', await imageNode('it-app:1'), undefined, 'it-app:tagged');
    assert.ok((await imageRefs(api)).includes('it-app:tagged'));
    const editor = await cmd('images.inspect', await imageNode('it-app:tagged'));
    assert.equal(editor.document.uri.scheme, 'dockwright-inspect');
    assert.ok(JSON.parse(editor.document.getText()).RepoTags.includes('it-app:tagged'));
    const history = await cmd('images.history', await imageNode('it-app:1'));
    assert.match(history.document.getText(), /CREATED BY[\s\S]*LABEL stage=final/);
  });

  it('Run starts a container with name and env; the tree shows it running with its state', async () => {
    const id = await cmd('images.run', await imageNode('it-app:1'), undefined, { name: 'it-web', env: { EXTRA: 'x1' } });
    const info = await docker.getContainer(id).inspect();
    assert.equal(info.Name, '/it-web');
    assert.ok(info.Config.Env.includes('EXTRA=x1'));
    const node = await until('it-web running in the tree', async () => { const n = await containerNode(api, 'it-web'); return n?.data.state === 'running' && n; });
    assert.match(node.contextValue, /^container:running/);
    assert.match(node.description, /it-app:1 · Up/);
  });

  it('Run Interactive attaches a terminal to the container\'s TTY', async () => {
    const id = await cmd('images.runInteractive', await imageNode('busybox:latest'), undefined, { name: 'it-interactive', cmd: ['sh'] });
    const info = await docker.getContainer(id).inspect();
    assert.equal(info.Config.Tty, true);
    assert.equal(info.Config.OpenStdin, true);
    const terminal = await until('the terminal', () => vscode.window.terminals.find((t) => t.name === 'Run busybox:latest'));
    const c = docker.getContainer(id);
    // Text typed before the terminal's attach stream is connected is lost, so type again (the
    // command is idempotent) until the container has run it.
    let polls = 0;
    await until('the typed command to run', async () => {
      if (polls++ % 20 === 0) terminal!.sendText('echo typed-in-terminal > /typed.txt');
      const e = await c.exec({ Cmd: ['cat', '/typed.txt'], AttachStdout: true, Tty: true });
      const s = await e.start({ hijack: true, Tty: true } as any);
      const out = await new Promise<string>((resolve) => { let o = ''; s.on('data', (d: Buffer) => { o += d; }); s.on('end', () => resolve(o)); });
      return out.includes('typed-in-terminal');
    });
    terminal!.dispose();
    await c.remove({ force: true });
  });

  it('View Logs follows the output and keeps following after a restart', async () => {
    const term = await cmd('containers.logs', await containerNode(api, 'it-web'));
    await until('the first log line', () => /hi-from-arg x1/.test(term.text));
    await cmd('containers.restart', await containerNode(api, 'it-web'));
    await until('the log line again after the restart', () => (term.text.match(/hi-from-arg x1/g) ?? []).length >= 2, 30000);
  });

  it('Attach Shell runs an interactive exec session with a PTY', async () => {
    const terminal: vscode.Terminal = await cmd('containers.attachShell', await containerNode(api, 'it-web'));
    const exec = async (script: string) => {
      const e = await docker.getContainer('it-web').exec({ Cmd: ['sh', '-c', script], AttachStdout: true, AttachStderr: true, Tty: true });
      const s = await e.start({ hijack: true, Tty: true } as any);
      return new Promise<string>((resolve) => { let out = ''; s.on('data', (c: Buffer) => { out += c; }); s.on('end', () => resolve(out)); });
    };
    // Typed text is lost until the exec session is attached: type again (idempotent) until it ran.
    let polls = 0;
    await until('the shell to run the command', async () => {
      if (polls++ % 20 === 0) terminal.sendText('tty > /tmp/tty.txt; echo $((6*7)) > /tmp/answer.txt');
      return (await exec('cat /tmp/answer.txt')).trim() === '42';
    });
    assert.match((await exec('cat /tmp/tty.txt')).trim(), /^\/dev\/pts\/\d+$/);
    terminal.dispose();
  });

  it('Stop, Start and Inspect act on the container', async () => {
    await cmd('containers.stop', await containerNode(api, 'it-web'));
    assert.equal((await docker.getContainer('it-web').inspect()).State.Running, false);
    assert.match((await containerNode(api, 'it-web')).contextValue, /^container:exited/);
    await cmd('containers.start', await containerNode(api, 'it-web'));
    assert.equal((await docker.getContainer('it-web').inspect()).State.Running, true);
    const editor = await cmd('containers.inspect', await containerNode(api, 'it-web'));
    assert.equal(JSON.parse(editor.document.getText()).Name, '/it-web');
  });

  it('Commit makes an image from the container', async () => {
    await docker.getContainer('it-web').exec({ Cmd: ['sh', '-c', 'echo committed > /committed.txt'] }).then((e) => e.start({}));
    await new Promise((r) => setTimeout(r, 300));
    await cmd('containers.commit', await containerNode(api, 'it-web'), undefined, 'it-committed:1');
    assert.ok((await imageRefs(api)).includes('it-committed:1'));
    const c = await docker.createContainer({ Image: 'it-committed:1', Cmd: ['cat', '/committed.txt'] });
    await c.start();
    await c.wait();
    assert.match((await c.logs({ stdout: true })).toString(), /committed/);
    await c.remove();
  });

  it('Open in Browser opens the exposed port of a container on the host network (and is hidden for containers without ports)', async () => {
    const port = await freeTcpPort();
    const c = await docker.createContainer({ Image: 'busybox:latest', name: 'it-http', ExposedPorts: { [`${port}/tcp`]: {} },
      Cmd: ['sh', '-c', `mkdir -p /www && echo hello-from-httpd > /www/index.html && exec httpd -f -p ${port} -h /www`] });
    try {
      await c.start();
      const node = await until('it-http with its port in the tree', async () => { const n = await containerNode(api, 'it-http'); return /:ports$/.test(n?.contextValue ?? '') && n; });
      assert.match(node.description, new RegExp(`· ${port}$`));
      // The menu's when clause shows the command for it-http, not for it-web (no ports).
      const menu = vscode.extensions.getExtension('dockwright.dockwright')!.packageJSON.contributes.menus['view/item/context'];
      const when: string = menu.find((m: any) => m.command === 'dockwright.containers.openInBrowser').when;
      const shownFor = new RegExp(when.match(/viewItem =~ \/(.*)\/$/)![1]);
      assert.ok(shownFor.test(node.contextValue), node.contextValue);
      assert.ok(!shownFor.test((await containerNode(api, 'it-web')).contextValue));
      let opened: vscode.Uri | undefined;
      await cmd('containers.openInBrowser', node, undefined, { open: async (uri: vscode.Uri) => { opened = uri; return true; } });
      assert.equal(opened?.toString().replace(/\/$/, ''), `http://localhost:${port}`);
      const body = await until('httpd to answer', async () => (await fetch(opened!.toString(true))).text());
      assert.equal(body.trim(), 'hello-from-httpd');
    } finally {
      await c.remove({ force: true });
    }
  });

  it('the tree follows the engine\'s /events without a manual refresh', async () => {
    const c = await docker.createContainer({ Image: 'busybox:latest', name: 'it-evented', Cmd: ['true'] });
    await until('the new container in the tree', async () => (await api.trees.containers.getChildren()).some((n: any) => n.data.name === 'it-evented'), 5000);
    await c.remove();
    await until('the container gone from the tree', async () => !(await api.trees.containers.getChildren()).some((n: any) => n.data.name === 'it-evented'), 5000);
  });

  it('Remove removes several selected containers', async () => {
    const extra = await docker.createContainer({ Image: 'busybox:latest', name: 'it-extra', Cmd: ['true'] });
    const nodes = [await containerNode(api, 'it-web'), await containerNode(api, 'it-extra')];
    await cmd('containers.remove', nodes[0], nodes, { confirmed: true });
    const names = (await docker.listContainers({ all: true })).map((c) => c.Names[0]);
    assert.ok(!names.includes('/it-web') && !names.includes('/it-extra'), String(names));
    assert.equal(await containerNode(api, 'it-web'), undefined);
    void extra;
  });

  it('Connect Registry, Push (re-tagged for the registry), registry tree with tags, Pull from it', async () => {
    assert.equal(await cmd('registries.connect', undefined, undefined, { url: `http://${registry}` }), true);
    assert.deepEqual(await treeLabels({ allNodes: async () => api.trees.registries.getChildren() }), [registry]);
    assert.equal(await cmd('images.push', await imageNode('it-app:1'), undefined, registry), true);
    const labels = await treeLabels(api.trees.registries);
    assert.deepEqual(labels, [registry, 'it-app', '1']);
    const tagNode = (await api.trees.registries.allNodes()).find((n: any) => n.contextValue === 'registryTag');
    assert.equal(tagNode.data.ref, `${registry}/it-app:1`);
    await docker.getImage(`${registry}/it-app:1`).remove();
    assert.equal(await cmd('registries.pull', tagNode), true);
    assert.ok((await imageRefs(api)).includes(`${registry}/it-app:1`));
    await cmd('registries.copyFullTag', tagNode);
    assert.equal(await vscode.env.clipboard.readText(), `${registry}/it-app:1`);
    await cmd('registries.disconnect', (await api.trees.registries.getChildren())[0]);
    assert.deepEqual(await api.trees.registries.getChildren(), []);
  });

  it('a registry with credentials: wrong password refused, right one kept in SecretStorage and used to push and list', async () => {
    const host = env('DW_IT_AUTH_REGISTRY');
    const url = `http://${host}`;
    assert.equal(await cmd('registries.connect', undefined, undefined, { url, username: env('DW_IT_AUTH_USER'), password: 'wrong' }), false);
    assert.deepEqual(await api.trees.registries.getChildren(), []);
    assert.equal(await cmd('registries.connect', undefined, undefined, { url, username: env('DW_IT_AUTH_USER'), password: env('DW_IT_AUTH_PASSWORD') }), true);
    assert.equal((await api.registries.auth(host))?.password, env('DW_IT_AUTH_PASSWORD'));
    assert.equal(await cmd('images.push', await imageNode('it-app:1'), undefined, host), true);
    assert.deepEqual(await treeLabels(api.trees.registries), [host, 'it-app', '1']);
    await cmd('registries.disconnect', (await api.trees.registries.getChildren())[0]);
    assert.equal(await api.registries.auth(host), undefined);
  });

  it('Remove Image removes several selected images; Prune removes dangling ones', async () => {
    const nodes = [await imageNode('it-app:tagged'), await imageNode('it-committed:1')];
    await cmd('images.remove', nodes[0], nodes, { confirmed: true });
    const refs = await imageRefs(api);
    assert.ok(!refs.includes('it-app:tagged') && !refs.includes('it-committed:1'), String(refs));
    await docker.getImage('it-fail:1').inspect().then(() => assert.fail('the failed build must not be tagged'), () => undefined);
    const danglingBefore = (await docker.listImages({ filters: { dangling: ['true'] } })).length;
    const result = await cmd('images.prune', undefined, undefined, { confirmed: true });
    assert.equal((await docker.listImages({ filters: { dangling: ['true'] } })).length, 0);
    assert.ok((result.ImagesDeleted?.length ?? 0) >= 0 && danglingBefore >= 0);
  });

  it('Volumes: the tree lists volumes; Remove removes them', async () => {
    await docker.createVolume({ Name: 'it-vol' });
    const nodes = await until('the volume in the tree', async () => { const n = (await api.trees.volumes.refresh()).filter((v: any) => v.data.name === 'it-vol'); return n.length && n; });
    await cmd('volumes.remove', nodes[0], undefined, { confirmed: true });
    assert.ok(!((await docker.listVolumes()).Volumes ?? []).some((v) => v.Name === 'it-vol'));
    assert.deepEqual((await api.trees.volumes.getChildren()).map((n: any) => n.data.name).filter((n: string) => n === 'it-vol'), []);
  });

  it('the dockwright build task (tasks.json) builds, and a failing step is reported on its line', async () => {
    const run = async (label: string) => {
      const task = (await vscode.tasks.fetchTasks({ type: 'dockwright' })).find((t) => t.name === label);
      assert.ok(task, `task ${label} not found`);
      const ended = new Promise<void>((resolve) => {
        const sub = vscode.tasks.onDidEndTask((e) => { if (e.execution.task.name === label) { sub.dispose(); resolve(); } });
      });
      await vscode.tasks.executeTask(task);
      await ended;
    };
    await run('it-build');
    await until('the image built by the task', () => docker.getImage('it-task:1').inspect(), 60000);
    await run('it-build-fail');
    const uri = vscode.Uri.file(path.join(workspace, 'Dockerfile.fail'));
    const reported = await until('the failing step\'s diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'dockwright-build'));
    assert.equal(reported?.range.start.line, 2);
    // The task's `$dockwright-build` problem matcher reads the `file:line: error: message` line from the task terminal.
    const marker = await until('the $dockwright-build problem matcher\'s marker', () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'dockwright-task'));
    assert.equal(marker?.range.start.line, 2);
    assert.equal(marker?.severity, vscode.DiagnosticSeverity.Error);
    assert.match(marker!.message, /non-zero code|exit/i);
    await docker.getImage('it-task-fail:1').inspect().then(() => assert.fail('a failed task build must not tag an image'), () => undefined);
  });
});
