// The language client: dist/server.js runs over IPC for dockerfile documents and follows the
// `dockwright.*` settings the client passes (rule severities).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { dockwright, env, until } from './hostUtil';

const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);

describe('language client', function () {
  it('publishes the server\'s diagnostics and applies dockwright.lint.rules from the settings', async () => {
    await dockwright();
    const file = path.join(env('DW_IT_WORKSPACE'), 'Dockerfile.lint');
    fs.writeFileSync(file, 'FROM busybox:latest\nRUNN echo hi\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    assert.equal(doc.languageId, 'dockerfile');
    const unknown = () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'dockwright' && codeOf(d) === 'UnknownInstruction');
    const d = (await until('the UnknownInstruction diagnostic', () => unknown()[0]))!;
    assert.equal(d.range.start.line, 1);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    const config = vscode.workspace.getConfiguration('dockwright');
    await config.update('lint.rules', { UnknownInstruction: 'warning' }, vscode.ConfigurationTarget.Global);
    try {
      await until('the severity from the settings', () => unknown()[0]?.severity === vscode.DiagnosticSeverity.Warning);
      await config.update('lint.rules', { UnknownInstruction: 'off' }, vscode.ConfigurationTarget.Global);
      await until('the rule switched off', () => unknown().length === 0);
    } finally {
      await config.update('lint.rules', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('files named Containerfile, Dockerfile.* and *.dockerfile are dockerfile documents; .dockerignore is ignore', async () => {
    const ws = env('DW_IT_WORKSPACE');
    for (const [name, language] of [['Containerfile', 'dockerfile'], ['Dockerfile.dev', 'dockerfile'], ['app.dockerfile', 'dockerfile'], ['.dockerignore', 'ignore']]) {
      fs.writeFileSync(path.join(ws, name), name === '.dockerignore' ? 'node_modules\n' : 'FROM busybox\n');
      assert.equal((await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(ws, name)))).languageId, language, name);
    }
  });
});
