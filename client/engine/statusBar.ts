// Status-bar item: which engine is in use and its state; a click switches engines.
import * as vscode from 'vscode';
import type { EngineManager } from './engineManager';

const icons = { idle: '$(circle-outline)', connecting: '$(sync~spin)', connected: '$(vm-running)', unreachable: '$(vm-outline)' } as const;

export function createEngineStatusBar(engine: EngineManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('dockwright.engine', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Dockwright Engine';
  item.command = 'dockwright.engine.switch';
  const update = () => {
    item.text = `${icons[engine.state]} ${engine.label}`;
    item.tooltip = `Dockwright engine: ${engine.label} (${engine.state})${engine.lastError ? `\n${engine.lastError}` : ''}\nClick to switch engines`;
    item.backgroundColor = engine.state === 'unreachable' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  };
  update();
  item.show();
  const sub = engine.onDidChange(update);
  return vscode.Disposable.from(item, sub);
}
