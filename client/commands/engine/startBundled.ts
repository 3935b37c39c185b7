// Start Bundled Engine (from the "engine unreachable" welcome view): selects it and connects.
import * as vscode from 'vscode';
import type { Command } from '../commandContext';

export const startBundledCommand: Command = {
  id: 'dockwright.engine.startBundled',
  async run(ctx) {
    if (ctx.engine.setting !== 'bundled') await vscode.workspace.getConfiguration('dockwright').update('engine', 'bundled', vscode.ConfigurationTarget.Global);
    for (let i = 0; i < 50 && ctx.engine.setting !== 'bundled'; i++) await new Promise((r) => setTimeout(r, 20));
    await ctx.engine.reconnect();
    const state = ctx.engine.state;
    ctx.refresh.all();
    if (state !== 'connected') void vscode.window.showErrorMessage(`Dockwright: the bundled engine did not start: ${ctx.engine.lastError}`);
    return state;
  },
};
