/**
 * Lint data types. Editor-independent: the builder reports the same problems; `server/` maps them to LSP.
 * Ranges use the model's LSP-shaped `{ line, character }` positions.
 */
import type { Range } from '../model';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeveritySetting = Severity | 'off';

/**
 * - `build`: the build would fail (severity error, never skippable with `# check=skip`).
 * - `check`: a BuildKit build check (warning; `# check=skip` / `error=true` apply).
 * - `practice`: a best-practice hint (information, some off by default).
 */
export type RuleClass = 'build' | 'check' | 'practice';

export interface TextEdit { range: Range; newText: string }
export interface QuickFix { title: string; edits: TextEdit[]; preferred?: boolean }

export interface LintProblem {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  docs?: string;
  ruleClass: RuleClass;
  tags?: ('unnecessary' | 'deprecated')[];
  fixes: QuickFix[];
}

/** What a rule reports; lint() fills in code, severity and docs and applies skips. */
export interface Report {
  range: Range;
  message: string;
  /** Index into model.instructions of the instruction concerned (enables per-instruction `# check=skip`). */
  instruction?: number;
  fixes?: QuickFix[];
  /** Overrides the rule's code (used by the parse-problem mapper). */
  code?: string;
  /** Overrides the class severity (parse problems carry their own). */
  severity?: Severity;
}

export interface RuleMeta {
  code: string;
  ruleClass: RuleClass;
  /** One-sentence description for docs and completion of `check=skip=` names. */
  description: string;
  docs?: string;
  /** Default severity when no setting applies (defaults from the class). */
  defaultSeverity?: SeveritySetting;
  /** BuildKit experimental check: runs only when listed in `# check=experimental=`. */
  experimental?: boolean;
  tags?: ('unnecessary' | 'deprecated')[];
}

export interface Rule extends RuleMeta {
  check(ctx: import('./context').LintContext): void;
}

export interface LintOptions {
  /** Per-rule severity overrides by code; `off` disables the rule. */
  severities?: Record<string, SeveritySetting>;
  /** `.dockerignore` patterns (one per entry, as in the file) or a ready matcher: true = excluded. */
  dockerignore?: string[] | ((path: string) => boolean);
  /** `--build-arg` values known to the caller. */
  buildArgs?: Record<string, string>;
}

export const buildkitDocs = (code: string): string =>
  `https://docs.docker.com/go/dockerfile/rule/${code.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').toLowerCase()}/`;

export const hadolintDocs = (dl: string): string => `https://github.com/hadolint/hadolint/wiki/${dl}`;
