// Maps a failed build step back to its Dockerfile line as a diagnostic. The classic builder announces
// "Step N/M : INSTRUCTION args"; steps run in file order, so step N is found by walking the file's
// instructions in order and matching the announced text (no parser import: client/ may not use engine/dockerfile).
import * as vscode from 'vscode';

export class BuildDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('dockwright-build');

  clear(dockerfile: vscode.Uri): void {
    this.collection.delete(dockerfile);
  }

  /** Reports `message` on the line of the last step that ran (or line 1 when no step ran). */
  async report(dockerfile: vscode.Uri, lastStep: string | undefined, message: string): Promise<number> {
    const text = (await vscode.workspace.openTextDocument(dockerfile)).getText();
    const line = lastStep ? stepLine(text, lastStep) : 0;
    const lineText = text.split(/\r?\n/)[line] ?? '';
    const range = new vscode.Range(line, lineText.length - lineText.trimStart().length, line, lineText.length);
    const d = new vscode.Diagnostic(range, `Build failed: ${message}`, vscode.DiagnosticSeverity.Error);
    d.source = 'dockwright-build';
    this.collection.set(dockerfile, [d]);
    return line;
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** The 0-based line where the announced step's instruction starts (best match on keyword + arguments). */
export function stepLine(text: string, step: string): number {
  const [keyword, ...rest] = step.trim().split(/\s+/);
  const args = rest.join(' ').toLowerCase();
  const lines = text.split(/\r?\n/);
  let fallback = -1;
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^\s*([A-Za-z]+)\s+(.*)$/);
    if (!m || m[1].toUpperCase() !== keyword.toUpperCase()) continue;
    if (fallback < 0) fallback = i;
    const here = m[2].replace(/\\$/, '').trim().toLowerCase();
    if (args.startsWith(here.slice(0, Math.min(here.length, 40))) || here.startsWith(args.slice(0, 40))) return i;
  }
  return Math.max(0, fallback);
}
