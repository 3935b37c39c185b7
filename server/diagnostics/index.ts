// Diagnostics for one Dockerfile: lint the parsed model with the user's settings and the
// `.dockerignore` found beside the file, and map the result to LSP.
import type { Diagnostic } from 'vscode-languageserver';
import type { DockerfileModel } from '../../engine/dockerfile/model';
import { lint, rules, type LintOptions, type SeveritySetting } from '../../engine/dockerfile/lint';
import type { DockwrightSettings } from '../settings';
import { dockerignoreFor } from './dockerignore';
import { toDiagnostic } from './toLsp';

export { DIAGNOSTIC_SOURCE, type DiagnosticData } from './toLsp';

/**
 * Computes the diagnostics of a Dockerfile version. Pure apart from reading the `.dockerignore`
 * (`<Dockerfile>.dockerignore`, else `.dockerignore`, in the Dockerfile's folder) for `file:` URIs.
 *
 * @param uri       document URI (only used to locate the ignore file)
 * @param model     the parsed model of exactly this version
 * @param settings  `dockwright` settings: `lint.rules` per-rule severities (off/hint/information/warning/error),
 *                  `lint.bestPractices` false turns every best-practice rule off
 * @returns diagnostics with `source: "dockwright"`, `code`, `codeDescription.href`, tags, and
 *          `data: DiagnosticData` holding the quick fixes that `provideCodeActions` turns into actions.
 */
export function computeDiagnostics(uri: string, model: DockerfileModel, settings?: Pick<DockwrightSettings, 'lint'>): Diagnostic[] {
  return lint(model, lintOptions(uri, settings)).map(toDiagnostic);
}

export function lintOptions(uri: string, settings?: Pick<DockwrightSettings, 'lint'>): LintOptions {
  const severities: Record<string, SeveritySetting> = {};
  if (settings && !settings.lint.bestPractices) {
    for (const rule of rules) if (rule.ruleClass === 'practice') severities[rule.code] = 'off';
  }
  Object.assign(severities, settings?.lint.rules ?? {});
  return { severities, dockerignore: dockerignoreFor(uri) };
}
