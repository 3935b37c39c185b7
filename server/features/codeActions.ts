// Quick fixes: the lint rules compute them together with each diagnostic (in `Diagnostic.data`), so
// a code action request only converts them; nothing is re-linted.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { QuickFix } from '../../engine/dockerfile/lint';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from '../diagnostics';

/**
 * `textDocument/codeAction` for Dockwright diagnostics.
 *
 * @param params       the request; its `context.diagnostics` are the ones in the editor at `params.range`
 * @param model        the parsed model of the current version (used to drop fixes that no longer apply)
 * @param diagnostics  the diagnostics last published for the document (fallback when the client does not
 *                     send `data` back); pass `[]` if unknown
 * @returns one quick fix per fix of each diagnostic (the rule's own fix first and preferred, then the
 *          `# check=skip` fixes), each tied to its diagnostic.
 */
export function provideCodeActions(params: CodeActionParams, model: DockerfileModel, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    for (const fix of fixesOf(diagnostic, diagnostics)) {
      if (!fix.edits.every((e) => e.range.end.line < model.lineStarts.length + 1)) continue;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.preferred === true ? true : undefined,
        edit: { changes: { [params.textDocument.uri]: fix.edits } },
      });
    }
  }
  return actions;
}

function fixesOf(diagnostic: Diagnostic, published: readonly Diagnostic[]): QuickFix[] {
  const own = (diagnostic.data as DiagnosticData | undefined)?.fixes;
  if (Array.isArray(own)) return own;
  const same = published.find((d) => d.code === diagnostic.code && sameRange(d, diagnostic) && d.message === diagnostic.message);
  return (same?.data as DiagnosticData | undefined)?.fixes ?? [];
}

function sameRange(a: Diagnostic, b: Diagnostic): boolean {
  return a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character
    && a.range.end.line === b.range.end.line && a.range.end.character === b.range.end.character;
}
