// textDocument/formatting, rangeFormatting and onTypeFormatting.
// Uppercase instruction keywords (and AS), no indentation before a keyword, one space after it,
// and continuation lines indented by one unit. Edits never change what the builder reads:
// heredoc bodies are never touched, and a continuation line is re-indented only where its
// leading whitespace is insignificant (not inside quotes, not gluing a word split by `\`).
// Idempotent: formatting formatted text yields no edits.
import type { FormattingOptions, TextEdit } from 'vscode-languageserver';
import type { DockerfileModel, Instruction, Range } from '../../engine/dockerfile';
import type { FormatterSettings } from '../settings';
import { instructionBefore, lineText } from './positions';

export const onTypeTriggerCharacters = ['\n'];

export function formatDocument(model: DockerfileModel, options: FormattingOptions, settings: FormatterSettings): TextEdit[] {
  return format(model, options, settings, () => true);
}

export function formatRange(model: DockerfileModel, range: Range, options: FormattingOptions, settings: FormatterSettings): TextEdit[] {
  return format(model, options, settings, (line) => line >= range.start.line && line <= range.end.line);
}

/** After Enter: formats the lines above the cursor of the instruction just typed (not the new line). */
export function formatOnType(model: DockerfileModel, line: number, options: FormattingOptions, settings: FormatterSettings): TextEdit[] {
  const previous = line - 1;
  if (previous < 0) return [];
  const instruction = instructionBefore(model, { line: previous, character: Number.MAX_SAFE_INTEGER });
  if (!instruction || instruction.range.end.line < previous) return [];
  return format(model, options, settings, (l) => l >= instruction.range.start.line && l <= previous, [instruction], previous);
}

type LineFilter = (line: number) => boolean;

function format(
  model: DockerfileModel, options: FormattingOptions, settings: FormatterSettings, wanted: LineFilter,
  instructions: readonly Instruction[] = model.instructions, lastLine = Number.MAX_SAFE_INTEGER,
): TextEdit[] {
  const lines = new Lines(model);
  const indent = options.insertSpaces ? ' '.repeat(options.tabSize) : '\t';
  const edits: TextEdit[] = [];
  const push = (edit: TextEdit | undefined) => {
    if (edit && wanted(edit.range.start.line)) edits.push(edit);
  };
  for (const instruction of instructions) {
    formatKeywordLine(instruction, lines, push);
    if (!settings.keepMultilineIndentation) formatContinuationLines(instruction, model, lines, indent, push, lastLine);
  }
  if (instructions === model.instructions) {
    for (const comment of model.comments) {
      if (!comment.insideInstruction) push(lines.setIndent(comment.range.start.line, ''));
    }
  }
  return edits;
}

function formatKeywordLine(instruction: Instruction, lines: Lines, push: (edit: TextEdit | undefined) => void): void {
  push(lines.setIndent(instruction.keywordRange.start.line, ''));
  formatKeyword(instruction, lines, push);
  if (instruction.kind === 'ONBUILD' && instruction.trigger) formatKeyword(instruction.trigger, lines, push);
  if (instruction.kind === 'FROM' && instruction.asKeyword && instruction.asKeyword.text !== 'AS' && /^as$/i.test(instruction.asKeyword.text)) {
    push({ range: instruction.asKeyword.range, newText: 'AS' });
  }
}

function formatKeyword(instruction: Instruction, lines: Lines, push: (edit: TextEdit | undefined) => void): void {
  const { keywordRange, keywordText, keyword } = instruction;
  if (instruction.kind !== 'UNKNOWN' && keywordText !== keyword) push({ range: keywordRange, newText: keyword });
  // Exactly one space between the keyword and what follows on its line (a continuation stays as is).
  const text = lines.text(keywordRange.end.line);
  const gapStart = keywordRange.end.character;
  let gapEnd = gapStart;
  while (gapEnd < text.length && (text[gapEnd] === ' ' || text[gapEnd] === '\t')) gapEnd++;
  if (gapEnd === text.length || gapEnd === gapStart || lines.isContinuationAt(keywordRange.end.line, gapEnd)) return;
  if (text.slice(gapStart, gapEnd) !== ' ') {
    push({ range: lines.range(keywordRange.end.line, gapStart, gapEnd), newText: ' ' });
  }
}

/** Re-indents the physical lines after the keyword's line, up to the last argument line. */
function formatContinuationLines(
  instruction: Instruction, model: DockerfileModel, lines: Lines, indent: string, push: (edit: TextEdit | undefined) => void,
  lastLine: number,
): void {
  // The builder reads the arguments after the (innermost) keyword, which may itself be continued.
  const trigger = instruction.kind === 'ONBUILD' ? instruction.trigger : undefined;
  const keyword = trigger && trigger.keywordRange.start.line === instruction.keywordRange.end.line
    ? trigger.keywordRange : instruction.keywordRange;
  const first = keyword.end.line;
  const last = Math.min(instruction.range.end.line, lastLine);
  if (last <= first) return;
  let state = scan(lines.codeOf(first).slice(keyword.end.character), model.escapeChar,
    { quote: undefined, escaped: false, trailingSpace: true });
  for (let line = first + 1; line <= last; line++) {
    const text = lines.text(line);
    const trimmed = text.trimStart();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) { // a comment inside the instruction: BuildKit drops the line
      push(lines.setIndent(line, indent));
      continue;
    }
    const hasIndent = trimmed.length !== text.length;
    if (state.quote === undefined && !state.escaped && (hasIndent || state.trailingSpace)) push(lines.setIndent(line, indent));
    state = scan(lines.codeOf(line), model.escapeChar, state);
  }
}

/** After some code: inside which quote, whether an escape char is pending, whether the last
 *  character read is unescaped whitespace outside quotes. */
interface ScanState { quote: '"' | "'" | undefined; escaped: boolean; trailingSpace: boolean }

function scan(code: string, escape: string, state: ScanState): ScanState {
  if (code === '') return state;
  let { quote, trailingSpace } = state;
  let escaped = false;
  const start = state.escaped && code.length > 0 ? 1 : 0; // the pending escape takes this line's first char
  if (start === 1) trailingSpace = false;
  for (let i = start; i < code.length; i++) {
    const c = code[i];
    trailingSpace = false;
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === escape) {
      if (i + 1 === code.length) escaped = true;
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ' ' || c === '\t') {
      trailingSpace = true;
    }
  }
  return { quote, escaped, trailingSpace };
}

/** Physical lines of the document (without line terminators). */
class Lines {
  constructor(private readonly model: DockerfileModel) {}

  text(line: number): string {
    return lineText(this.model, line);
  }

  range(line: number, start: number, end: number): Range {
    return { start: { line, character: start }, end: { line, character: end } };
  }

  /** An edit making the leading whitespace of `line` exactly `indent` (undefined if it already is). */
  setIndent(line: number, indent: string): TextEdit | undefined {
    const text = this.text(line);
    const current = /^[ \t]*/.exec(text)![0].length; // spaces and tabs only: a BOM stays
    if (text.slice(0, current) === indent) return undefined;
    return { range: this.range(line, 0, current), newText: indent };
  }

  /** The escape char at `character` ends the line (only whitespace after it). */
  isContinuationAt(line: number, character: number): boolean {
    const text = this.text(line);
    const c = text[character];
    return (c === this.model.escapeChar) && text.slice(character + 1).trim() === '';
  }

  /** The line without its trailing continuation (escape char + whitespace). */
  codeOf(line: number): string {
    const text = this.text(line);
    const trimmed = text.trimEnd();
    return trimmed.endsWith(this.model.escapeChar) ? trimmed.slice(0, -1) : trimmed;
  }
}
