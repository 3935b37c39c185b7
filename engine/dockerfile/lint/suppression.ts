/**
 * `# check=` handling: the file-level directive, the per-instruction comment block, and the
 * "skip this rule" quick fixes offered for every check-class problem.
 */
import type { DockerfileModel, Instruction, ParserDirective } from '../model';
import { emptyCheckOptions, parseCheckOptions, parseInstructionCheckComment, type CheckOptions } from './checkOptions';
import type { QuickFix } from './types';

/** Options of the file's `# check=` directive (empty when absent or invalid); the build arg
 * `BUILDKIT_DOCKERFILE_CHECK`, when given, replaces the directive as it does in BuildKit. */
export function fileCheckOptions(model: DockerfileModel, buildArgs?: Record<string, string>): CheckOptions {
  const value = buildArgs?.BUILDKIT_DOCKERFILE_CHECK ?? checkDirective(model)?.value;
  if (value === undefined) return emptyCheckOptions();
  const parsed = parseCheckOptions(value);
  return 'options' in parsed ? parsed.options : emptyCheckOptions();
}

export function checkDirective(model: DockerfileModel): ParserDirective | undefined {
  return model.directives.find((d) => d.name === 'check');
}

/** The comment lines directly above an instruction (no empty line between), top to bottom. */
export function commentBlockAbove(model: DockerfileModel, instruction: Instruction): { text: string; line: number }[] {
  const byLine = commentsByLine(model);
  const block: { text: string; line: number }[] = [];
  for (let line = instruction.range.start.line - 1; line >= 0; line--) {
    const comment = byLine.get(line);
    if (comment === undefined) break;
    block.unshift({ text: comment, line });
  }
  return block;
}

const lineCache = new WeakMap<DockerfileModel, Map<number, string>>();
function commentsByLine(model: DockerfileModel): Map<number, string> {
  let map = lineCache.get(model);
  if (!map) {
    map = new Map();
    for (const c of model.comments) if (!c.insideInstruction) map.set(c.range.start.line, model.text.slice(model.offsetAt(c.range.start), model.offsetAt(c.range.end)));
    lineCache.set(model, map);
  }
  return map;
}

/** The first `# check=` comment of the block above the instruction, if any. */
export function instructionCheckComment(model: DockerfileModel, instruction: Instruction): { options: CheckOptions; line: number; text: string } | undefined {
  for (const c of commentBlockAbove(model, instruction)) {
    const options = parseInstructionCheckComment(c.text);
    if (options) return { options, line: c.line, text: c.text };
  }
  return undefined;
}

/** "Skip <rule> for this instruction" and "… for the whole file" fixes. */
export function skipFixes(model: DockerfileModel, code: string, instruction: Instruction | undefined): QuickFix[] {
  const fixes: QuickFix[] = [];
  // Right below the parser directives a new `# check=` line would itself be read as a directive.
  const belowDirectives = instruction !== undefined && model.directives.some((d) => d.range.start.line === instruction.range.start.line - 1);
  if (instruction && !belowDirectives) {
    const existing = instructionCheckComment(model, instruction);
    const lineStart = model.lineStarts[instruction.range.start.line];
    const indent = /^[ \t]*/.exec(model.text.slice(lineStart, lineStart + 200))![0];
    if (existing && /check\s*=\s*skip=/i.test(existing.text)) {
      const at = existing.text.search(/skip=\S*/i);
      const end = at + /skip=\S*/i.exec(existing.text.slice(at))![0].length;
      fixes.push({
        title: `Skip ${code} for this instruction (# check=skip)`,
        edits: [{ range: { start: { line: existing.line, character: characterIn(model, existing, end) }, end: { line: existing.line, character: characterIn(model, existing, end) } }, newText: `,${code}` }],
      });
    } else {
      const line = instruction.range.start.line;
      fixes.push({
        title: `Skip ${code} for this instruction (# check=skip)`,
        edits: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}# check=skip=${code}\n` }],
      });
    }
  }
  const directive = checkDirective(model);
  if (directive) {
    const parsed = parseCheckOptions(directive.value);
    if ('options' in parsed && !parsed.options.skipAll) {
      const skip = [...parsed.options.skip, code].join(',');
      const parts = directive.value.split(';').map((p) => p.trim()).filter((p) => p !== '' && !/^skip\s*=/.test(p));
      fixes.push({
        title: `Skip ${code} in this file (# check=skip)`,
        edits: [{ range: directive.valueRange, newText: [`skip=${skip}`, ...parts].join(';') }],
      });
    }
  } else {
    fixes.push({
      title: `Skip ${code} in this file (# check=skip)`,
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `# check=skip=${code}\n` }],
    });
  }
  return fixes;
}

/** UTF-16 column of an offset within a comment line (comments may be indented). */
function characterIn(model: DockerfileModel, comment: { line: number; text: string }, indexInText: number): number {
  const lineStart = model.lineStarts[comment.line];
  const lineText = model.text.slice(lineStart, model.lineStarts[comment.line + 1] ?? model.text.length);
  return lineText.indexOf(comment.text) + indexInText;
}
