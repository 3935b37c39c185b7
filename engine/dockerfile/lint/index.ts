/**
 * The linter: `lint(model, options)` runs every rule over a parsed Dockerfile and returns problems
 * with final severities, after `# check=` skips, `error=true`, experimental gating and per-rule
 * severity settings. Each condition is reported once.
 */
import type { DockerfileModel } from '../model';
import { LintContext, type RawProblem } from './context';
import { rules } from './rules';
import { fileCheckOptions, instructionCheckComment, skipFixes } from './suppression';
import type { LintOptions, LintProblem, Rule, Severity, SeveritySetting } from './types';

export * from './types';
export { rules } from './rules';
export { parseCheckOptions } from './checkOptions';

const CLASS_SEVERITY: Record<Rule['ruleClass'], Severity> = { build: 'error', check: 'warning', practice: 'information' };

export function lint(model: DockerfileModel, options: LintOptions = {}): LintProblem[] {
  const ctx = new LintContext(model, options);
  const fileChecks = fileCheckOptions(model, options.buildArgs);
  for (const rule of rules) {
    if (severityOf(rule, options) === 'off') continue;
    if (rule.ruleClass === 'check') {
      if (rule.experimental) {
        if (!fileChecks.experimentalAll && !fileChecks.experimental.has(rule.code)) continue;
      } else if (fileChecks.skipAll || fileChecks.skip.has(rule.code)) continue;
    }
    ctx.run(rule);
  }
  const seen = new Set<string>();
  const out: LintProblem[] = [];
  for (const p of ctx.problems) {
    const code = p.code ?? p.rule.code;
    const key = `${code}|${p.range.start.line}:${p.range.start.character}-${p.range.end.line}:${p.range.end.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const problem = finish(model, p, code, options, fileChecks.error);
    if (problem) out.push(problem);
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function severityOf(rule: Rule, options: LintOptions): SeveritySetting {
  return options.severities?.[rule.code] ?? rule.defaultSeverity ?? CLASS_SEVERITY[rule.ruleClass];
}

function finish(model: DockerfileModel, p: RawProblem, code: string, options: LintOptions, errorOnWarn: boolean): LintProblem | undefined {
  const rule = p.rule;
  const instruction = p.instruction === undefined ? undefined : model.instructions[p.instruction];
  const userSeverity = options.severities?.[code];
  let severity = userSeverity ?? p.severity ?? (code === rule.code ? severityOf(rule, options) : CLASS_SEVERITY[rule.ruleClass]);
  if (severity === 'off') return undefined;
  const fixes = [...(p.fixes ?? [])];
  if (rule.ruleClass === 'check') {
    if (instruction) {
      const local = instructionCheckComment(model, instruction)?.options;
      if (local && (local.skipAll || local.skip.has(code))) return undefined;
    }
    if (errorOnWarn && userSeverity === undefined && severity === 'warning') severity = 'error';
    fixes.push(...skipFixes(model, code, instruction));
  }
  return {
    code,
    severity,
    message: p.message,
    range: p.range,
    docs: rule.docs,
    ruleClass: rule.ruleClass,
    tags: rule.tags,
    fixes,
  };
}
