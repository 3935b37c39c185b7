// Switch Engine: bundled, docker (CLI resolution), or an explicit URL; saved in `dockwright.engine`.
import * as vscode from 'vscode';
import type { Command } from '../commandContext';

export const switchEngineCommand: Command = {
  id: 'dockwright.engine.switch',
  async run(ctx, _node, _nodes, value?: string) {
    let engine = value;
    if (!engine) {
      const pick = await vscode.window.showQuickPick([
        { label: '$(package) Bundled engine', description: 'Dockwright\'s own daemonless engine (Linux)', value: 'bundled' },
        { label: '$(vm) Docker', description: 'DOCKER_HOST, the current docker context, or the default socket', value: 'docker' },
        { label: '$(plug) Other engine...', description: 'unix:///path.sock, tcp://host:2376, ssh://user@host', value: '' },
      ], { title: 'Dockwright: Switch Engine', placeHolder: `In use: ${ctx.engine.label} (${ctx.engine.state})` });
      if (!pick) return;
      engine = pick.value || await vscode.window.showInputBox({ title: 'Engine URL', placeHolder: 'unix:///run/podman/podman.sock, tcp://host:2376 or ssh://user@host', value: ctx.engine.setting.includes('://') ? ctx.engine.setting : '' });
      if (!engine) return;
    }
    await vscode.workspace.getConfiguration('dockwright').update('engine', engine, vscode.ConfigurationTarget.Global);
    // The extension host sees the new value shortly after update() resolves.
    for (let i = 0; i < 50 && ctx.engine.setting !== engine; i++) await new Promise((r) => setTimeout(r, 20));
    await ctx.engine.reconnect();
    const state = ctx.engine.state;
    ctx.refresh.all();
    return state;
  },
};
