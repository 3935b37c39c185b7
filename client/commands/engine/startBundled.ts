// Start Bundled Engine (from the "engine unreachable" welcome view): selects it and connects.
import * as vscode from 'vscode';
import type { Command } from '../commandContext';

export const startBundledCommand: Command = {
  id: 'dockwright.engine.startBundled',
  async run(ctx) {
    if (ctx.engine.setting !== 'bundled') await vscode.workspace.getConfiguration('dockwright').update('engine', 'bundled', vscode.ConfigurationTarget.Global);
    await ctx.engine.reconnect();
    ctx.refresh.all();
    if (ctx.engine.state !== 'connected') void vscode.window.showErrorMessage(`Dockwright: the bundled engine did not start: ${ctx.engine.lastError}`);
    return ctx.engine.state;
  },
};
