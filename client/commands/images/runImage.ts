// Run / Run Interactive: name, env, volume, network with defaults (exposed ports published to free
// host ports); Run Interactive attaches an integrated terminal to the container's TTY.
import * as vscode from 'vscode';
import type Dockerode from 'dockerode';
import type { ImageRef } from '../../trees/imagesTree';
import { StreamTerminal } from '../../terminal/streamTerminal';
import { parseAssignments } from './buildImage';
import { targetNodes, withEngine, type Command, type CommandContext } from '../commandContext';

export interface RunOptions {
  name?: string;
  env?: Record<string, string>;
  /** `host:container[:ro]` or `volume:container`. */
  volumes?: string[];
  network?: string;
  cmd?: string[];
}

async function run(ctx: CommandContext, interactive: boolean, node: any, options?: RunOptions): Promise<string | undefined> {
  const [target] = await targetNodes<ImageRef>(ctx.trees.images, node, undefined, /^image/, 'Image to run');
  if (!target) return undefined;
  const image = target.data.ref ?? target.data.id;
  const opts = options ?? await askRunOptions(ctx, image);
  if (!opts) return undefined;
  return withEngine(ctx, async (docker) => {
    const container = await docker.createContainer({
      Image: image, name: opts.name || undefined, Env: Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Cmd: opts.cmd, Tty: interactive, OpenStdin: interactive, AttachStdin: interactive, AttachStdout: interactive, AttachStderr: interactive,
      HostConfig: { Binds: opts.volumes?.length ? opts.volumes : undefined, NetworkMode: opts.network || undefined, PublishAllPorts: true },
    });
    if (interactive) await attachTerminal(container, image);
    await container.start();
    ctx.refresh.schedule('containers');
    return container.id;
  });
}

async function attachTerminal(container: Dockerode.Container, image: string): Promise<void> {
  const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
  const term = new StreamTerminal(stream as NodeJS.ReadWriteStream, (rows, cols) => container.resize({ h: rows, w: cols }).then(() => undefined, () => undefined));
  vscode.window.createTerminal({ name: `Run ${image}`, pty: term, iconPath: new vscode.ThemeIcon('terminal') }).show();
}

async function askRunOptions(ctx: CommandContext, image: string): Promise<RunOptions | undefined> {
  const name = await vscode.window.showInputBox({ title: `Run ${image}`, prompt: 'Container name (empty: generated)', validateInput: (v) => (!v || /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(v) ? undefined : 'Letters, digits, _ . -') });
  if (name === undefined) return undefined;
  const env = await vscode.window.showInputBox({ title: `Run ${image}`, prompt: 'Environment (optional): NAME=value, separated by spaces' });
  if (env === undefined) return undefined;
  const volume = await vscode.window.showInputBox({ title: `Run ${image}`, prompt: 'Volume (optional): /host/path:/container/path or volume-name:/path' });
  if (volume === undefined) return undefined;
  // Engines without the networks API (the bundled engine: host or no network only) offer no choice.
  const networks = await withEngine(ctx, async (docker) => (await docker.listNetworks().catch(() => [])).map((n) => n.Name)) ?? [];
  let network: string | undefined;
  if (networks.length > 1) {
    const pick = await vscode.window.showQuickPick([{ label: 'default' }, ...networks.map((n) => ({ label: n }))], { title: `Run ${image}`, placeHolder: 'Network' });
    if (!pick) return undefined;
    network = pick.label === 'default' ? undefined : pick.label;
  }
  return { name, env: parseAssignments(env), volumes: volume ? [volume] : [], network };
}

export const runImageCommand: Command = { id: 'dockwright.images.run', run: (ctx, node, _n, options) => run(ctx, false, node, options) };
export const runInteractiveCommand: Command = { id: 'dockwright.images.runInteractive', run: (ctx, node, _n, options) => run(ctx, true, node, options) };
