// View Logs: follows a container's logs in a terminal and keeps following across restarts (when the
// stream ends it waits for the container to run again and continues from where it stopped).
import * as vscode from 'vscode';
import type Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';
import type { ContainerInfo } from '../../trees/containersTree';
import { ansi, OutputTerminal } from '../../terminal/outputTerminal';
import { targetNodes, withEngine, type Command } from '../commandContext';

export const viewLogsCommand: Command = {
  id: 'dockwright.containers.logs',
  async run(ctx, node) {
    const [target] = await targetNodes<ContainerInfo>(ctx.trees.containers, node, undefined, /^container:/, 'Container');
    if (!target) return;
    return withEngine(ctx, async (docker) => {
      let closed = false;
      const term = new OutputTerminal(() => { closed = true; });
      vscode.window.createTerminal({ name: `Logs ${target.data.name}`, pty: term, iconPath: new vscode.ThemeIcon('output') }).show(true);
      void follow(docker.getContainer(target.data.id), term, () => closed);
      return term;
    });
  },
};

async function follow(container: Dockerode.Container, term: OutputTerminal, closed: () => boolean): Promise<void> {
  let since = 0;
  while (!closed()) {
    const info = await container.inspect().catch(() => undefined);
    if (!info) { term.write(ansi.dim('\n[container removed]\n')); return; }
    await streamOnce(container, info.Config.Tty, since, term).catch((e: Error) => term.write(ansi.red(`[${e.message}]\n`)));
    if (closed()) return;
    term.write(ansi.dim(`[${info.Name.replace(/^\//, '')} stopped; waiting for it to start again]\n`));
    // Wait until it runs again (restart) or disappears, then continue with that run's output.
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      if (closed()) return;
      const again = await container.inspect().catch(() => undefined);
      if (!again) { term.write(ansi.dim('[container removed]\n')); return; }
      if (again.State.Running) { since = Math.floor(Date.parse(again.State.StartedAt) / 1000); break; }
    }
  }
}

async function streamOnce(container: Dockerode.Container, tty: boolean, since: number, term: OutputTerminal): Promise<void> {
  const stream = await container.logs({ follow: true, stdout: true, stderr: true, since, timestamps: false }) as unknown as NodeJS.ReadableStream;
  await new Promise<void>((resolve) => {
    if (tty) {
      stream.on('data', (c: Buffer) => term.write(c.toString('utf8')));
    } else {
      const out = new PassThrough();
      const err = new PassThrough();
      out.on('data', (c: Buffer) => term.write(c.toString('utf8')));
      err.on('data', (c: Buffer) => term.write(ansi.red(c.toString('utf8'))));
      container.modem.demuxStream(stream, out, err);
    }
    stream.on('end', () => resolve());
    stream.on('error', () => resolve());
  });
}
