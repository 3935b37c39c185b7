// Open in Browser: a published port of the container (asks which one when there are several).
// `options.open` replaces vscode.env.openExternal (tests check the URL without a browser).
import * as vscode from 'vscode';
import type { ContainerInfo } from '../../trees/containersTree';
import { targetNodes, type Command } from '../commandContext';

export interface OpenInBrowserOptions {
  open?: (uri: vscode.Uri) => Thenable<boolean>;
}

export const openInBrowserCommand: Command = {
  id: 'dockwright.containers.openInBrowser',
  async run(ctx, node, _nodes, options: OpenInBrowserOptions = {}) {
    const [target] = await targetNodes<ContainerInfo>(ctx.trees.containers, node, undefined, /^container:.*:ports/, 'Container to open');
    if (!target) return;
    const ports = target.data.hostPorts;
    const port = ports.length > 1
      ? (await vscode.window.showQuickPick(ports.map((p) => ({ label: String(p) })), { placeHolder: 'Port' }))?.label
      : String(ports[0]);
    if (!port) return;
    const host = ctx.engine.endpoint?.kind === 'tcp' || ctx.engine.endpoint?.kind === 'ssh' ? ctx.engine.endpoint.host : 'localhost';
    const uri = vscode.Uri.parse(`http://${host}:${port}`);
    await (options.open ?? vscode.env.openExternal)(uri);
    return uri.toString();
  },
};
