// Attach Shell: an integrated terminal running an exec session with a real PTY (Tty=true) bridged to
// a pseudoterminal; bash when the container has it, else sh.
import * as vscode from 'vscode';
import type { ContainerInfo } from '../../trees/containersTree';
import { StreamTerminal } from '../../terminal/streamTerminal';
import { targetNodes, withEngine, type Command } from '../commandContext';

export const SHELL_DETECT = 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi';

export const attachShellCommand: Command = {
  id: 'dockwright.containers.attachShell',
  async run(ctx, node) {
    const [target] = await targetNodes<ContainerInfo>(ctx.trees.containers, node, undefined, /^container:running/, 'Running container');
    if (!target) return;
    return withEngine(ctx, async (docker) => {
      const exec = await docker.getContainer(target.data.id).exec({
        Cmd: ['/bin/sh', '-c', SHELL_DETECT], Tty: true, AttachStdin: true, AttachStdout: true, AttachStderr: true, Env: ['TERM=xterm-256color'],
      });
      const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
      const pty = new StreamTerminal(stream as NodeJS.ReadWriteStream, (rows, cols) => exec.resize({ h: rows, w: cols }).then(() => undefined, () => undefined));
      const terminal = vscode.window.createTerminal({ name: `Shell ${target.data.name}`, pty, iconPath: new vscode.ThemeIcon('terminal') });
      terminal.show();
      return terminal;
    });
  },
};
