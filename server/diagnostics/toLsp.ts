// Maps lint problems (editor-independent) to LSP diagnostics; the quick fixes ride along in `data`.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { LintProblem, QuickFix, Severity } from '../../engine/dockerfile/lint';

export const DIAGNOSTIC_SOURCE = 'dockwright';

/** What `Diagnostic.data` carries: the fixes computed with the problem. */
export interface DiagnosticData {
  fixes: QuickFix[];
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(problem: LintProblem): Diagnostic {
  const diagnostic: Diagnostic = {
    range: problem.range,
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: DIAGNOSTIC_SOURCE,
    message: problem.message,
  };
  if (problem.docs) diagnostic.codeDescription = { href: problem.docs };
  const tags = (problem.tags ?? []).map((t) => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
  if (tags.length > 0) diagnostic.tags = tags;
  if (problem.fixes.length > 0) diagnostic.data = { fixes: problem.fixes } satisfies DiagnosticData;
  return diagnostic;
}
