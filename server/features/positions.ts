// Position arithmetic and O(log n) lookups of the model node under a position, shared by features.
import type { DockerfileModel, Instruction, Position, Range } from '../../engine/dockerfile';

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** `position` lies in `range`, ends included (a cursor right after a word still "touches" it). */
export function touches(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0;
}

/** `position` lies strictly inside `range` or at its start. */
export function contains(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) < 0;
}

/** The index of the last item whose start is at or before `position` (-1 if none). */
function lastStartingBefore<T>(items: readonly T[], position: Position, start: (item: T) => Position): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (comparePositions(start(items[mid]), position) <= 0) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The top-level instruction whose full range (heredoc bodies included) touches `position`. */
export function instructionAt(model: DockerfileModel, position: Position): Instruction | undefined {
  const i = lastStartingBefore(model.instructions, position, (x) => x.fullRange.start);
  const instruction = i < 0 ? undefined : model.instructions[i];
  return instruction && touches(instruction.fullRange, position) ? instruction : undefined;
}

/** The last top-level instruction that starts at or before `position`. */
export function instructionBefore(model: DockerfileModel, position: Position): Instruction | undefined {
  const i = lastStartingBefore(model.instructions, position, (x) => x.fullRange.start);
  return i < 0 ? undefined : model.instructions[i];
}

/** The ONBUILD trigger when `position` is in it, else the instruction itself. */
export function innermost(instruction: Instruction, position: Position): Instruction {
  if (instruction.kind === 'ONBUILD' && instruction.trigger && touches(instruction.trigger.range, position)) {
    return instruction.trigger;
  }
  return instruction;
}

/** The text of a physical line without its line terminator ('' past the end). */
export function lineText(model: DockerfileModel, line: number): string {
  const start = model.lineStarts[line];
  if (start === undefined) return '';
  const end = line + 1 < model.lineStarts.length ? model.lineStarts[line + 1] : model.text.length;
  return model.text.slice(start, end).replace(/\r?\n$/, '');
}
