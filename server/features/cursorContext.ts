// Where the cursor is, in the terms completion and signature help need: at the start of an
// instruction, in a comment, in a heredoc body, or in an instruction's arguments (which words
// come before the cursor and what is typed of the current one). Works on incomplete text: it
// reads the physical lines of the instruction up to the cursor, continuations removed.
import type { DockerfileModel, Instruction, Position } from '../../engine/dockerfile';
import { instructionBefore, lineText } from './positions';

export type CursorContext =
  | { kind: 'keyword'; typed: string; start: Position; onbuild?: Instruction }
  | { kind: 'comment'; before: string; line: number }
  | { kind: 'heredoc'; instruction: Instruction; before: string }
  | {
    kind: 'arguments';
    instruction: Instruction;
    /** The keyword whose arguments these are (the trigger's for ONBUILD). */
    keyword: string;
    /** Complete words after the keyword, before the current one. */
    words: string[];
    /** What is typed of the current word (up to the cursor), and where it starts. */
    typed: string;
    start: Position;
  }
  | { kind: 'none' };

export function cursorContext(model: DockerfileModel, position: Position): CursorContext {
  const text = lineText(model, position.line);
  const before = text.slice(0, position.character);
  const instruction = instructionBefore(model, { line: position.line, character: Number.MAX_SAFE_INTEGER });
  const owner = instruction && extendsTo(model, instruction, position.line) ? instruction : undefined;

  if (owner && owner.heredocs.length > 0 && position.line > owner.range.end.line) {
    return { kind: 'heredoc', instruction: owner, before };
  }
  const continued = owner !== undefined && position.line > owner.keywordRange.start.line;
  if (/^\s*#/.test(before)) return continued ? { kind: 'none' } : { kind: 'comment', before, line: position.line };
  if (!owner || (!continued && position.character <= owner.keywordRange.end.character)) {
    const m = /^\s*([A-Za-z]*)$/.exec(before);
    if (!m) return { kind: 'none' };
    return { kind: 'keyword', typed: m[1], start: { line: position.line, character: position.character - m[1].length } };
  }

  const logical = logicalTextBefore(model, owner, position, before);
  const words = logical.trim().split(/\s+/).filter((w) => w !== '');
  const typedMatch = /\S*$/.exec(before);
  const typed = typedMatch ? typedMatch[0] : '';
  if (typed !== '' && words.length > 0) words.pop();
  words.shift(); // the keyword
  let keyword = owner.keyword;
  if (owner.kind === 'ONBUILD') {
    if (words.length === 0) {
      return { kind: 'keyword', typed, start: { line: position.line, character: position.character - typed.length }, onbuild: owner };
    }
    keyword = words.shift()!.toUpperCase();
  }
  return { kind: 'arguments', instruction: owner, keyword, words, typed, start: { line: position.line, character: position.character - typed.length } };
}

/** `line` belongs to the instruction: one of its lines, its heredoc bodies, or a line after a
 *  trailing continuation (empty or comment lines the parser may not have attached yet). */
function extendsTo(model: DockerfileModel, instruction: Instruction, line: number): boolean {
  if (line <= instruction.fullRange.end.line) return true;
  if (instruction.heredocs.length > 0) return false;
  for (let l = instruction.range.end.line; l < line; l++) {
    const text = lineText(model, l);
    const continues = text.trimEnd().endsWith(model.escapeChar);
    const blank = l > instruction.range.end.line && (text.trim() === '' || text.trimStart().startsWith('#'));
    if (!continues && !blank) return false;
  }
  return true;
}

/** The instruction's logical text from its keyword up to the cursor, continuations joined. */
function logicalTextBefore(model: DockerfileModel, instruction: Instruction, position: Position, before: string): string {
  const first = instruction.keywordRange.start.line;
  const parts: string[] = [];
  for (let l = first; l < position.line; l++) {
    const text = l === first ? lineText(model, l).slice(instruction.keywordRange.start.character) : lineText(model, l);
    if (l > first && text.trimStart().startsWith('#')) continue;
    const trimmed = text.trimEnd();
    parts.push(trimmed.endsWith(model.escapeChar) ? trimmed.slice(0, -1) : trimmed);
  }
  parts.push(position.line === first ? before.slice(instruction.keywordRange.start.character) : before);
  return parts.join(' ');
}
