/** Helpers for the hadolint-derived best-practice rules. */
import type { Range, RunInstruction, Stage } from '../model';
import type { LintContext } from './context';
import { defineRule } from './rule';
import { runScript, shellCommands, type ShellCommand } from './shell';
import { hadolintDocs, type Rule } from './types';

/** A best-practice rule derived from hadolint rule `dl` (its docs link is the hadolint wiki page). */
export function definePractice(dl: string, rule: Omit<Rule, 'ruleClass' | 'docs'>): Rule {
  return defineRule({ ...rule, ruleClass: 'practice', docs: hadolintDocs(dl), description: `${rule.description} (hadolint ${dl})` });
}

interface RunText {
  run: RunInstruction;
  stage: Stage;
  script: string;
  commands?: ShellCommand[];
}

const runsKey = {};

/** Every RUN of every stage with its script, listed once per lint run. */
function runTexts(ctx: LintContext): RunText[] {
  return ctx.memo(runsKey, () => {
    const out: RunText[] = [];
    for (const stage of ctx.model.stages) {
      for (const i of stage.instructions) if (i.kind === 'RUN') out.push({ run: i, stage, script: runScript(i) });
    }
    return out;
  });
}

/**
 * Calls `visit` for every RUN of every stage whose script mentions one of `mentions` (a cheap
 * prefilter), with its simple commands (each script is read and split once per lint run).
 */
export function forEachRun(ctx: LintContext, mentions: string[], visit: (run: RunInstruction, stage: Stage, commands: ShellCommand[]) => void): void {
  for (const text of runTexts(ctx)) {
    if (!mentionsAny(text.script, mentions)) continue;
    text.commands ??= shellCommands(text.script);
    visit(text.run, text.stage, text.commands);
  }
}

function mentionsAny(script: string, mentions: string[]): boolean {
  for (const m of mentions) if (script.includes(m)) return true;
  return false;
}

/** Document ranges of the matches of `pattern` (global) in an instruction's source, heredoc bodies included. */
export function matchesIn(ctx: LintContext, run: RunInstruction, pattern: RegExp): { range: Range; match: RegExpExecArray }[] {
  const from = ctx.model.offsetAt(run.fullRange.start);
  const source = ctx.model.text.slice(from, ctx.model.offsetAt(run.fullRange.end));
  const out: { range: Range; match: RegExpExecArray }[] = [];
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (let m = re.exec(source); m; m = re.exec(source)) {
    out.push({ range: { start: ctx.model.positionAt(from + m.index), end: ctx.model.positionAt(from + m.index + m[0].length) }, match: m });
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}

/** The range to report a RUN-level finding on: the first match of `pattern`, else the arguments. */
export function rangeIn(ctx: LintContext, run: RunInstruction, pattern: RegExp): Range {
  return matchesIn(ctx, run, pattern)[0]?.range ?? run.argsRange ?? run.keywordRange;
}
