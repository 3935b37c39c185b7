// textDocument/foldingRange: stages, multi-line instructions, heredoc bodies and comment blocks.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile';

export function foldingRanges(model: DockerfileModel): FoldingRange[] {
  const byStart = new Map<number, FoldingRange>();
  const add = (startLine: number, endLine: number, kind?: FoldingRangeKind) => {
    if (endLine <= startLine) return;
    const existing = byStart.get(startLine);
    if (!existing || existing.endLine < endLine) byStart.set(startLine, kind ? { startLine, endLine, kind } : { startLine, endLine });
  };

  for (const stage of model.stages) {
    const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
    add(stage.from.range.start.line, Math.max(stage.range.end.line, last.fullRange.end.line));
  }
  for (const instruction of model.instructions) {
    foldInstruction(instruction, add);
  }
  foldCommentBlocks(model, add);
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}

type Add = (startLine: number, endLine: number, kind?: FoldingRangeKind) => void;

function foldInstruction(instruction: Instruction, add: Add): void {
  add(instruction.fullRange.start.line, instruction.fullRange.end.line);
  // Each heredoc body folds from the line before it (its `<<EOF` line or the previous terminator).
  for (const heredoc of instruction.heredocs) {
    const end = heredoc.endRange ?? heredoc.bodyRange;
    if (heredoc.bodyRange && end) add(heredoc.bodyRange.start.line - 1, end.end.line);
  }
}

function foldCommentBlocks(model: DockerfileModel, add: Add): void {
  let blockStart = -1;
  let previousLine = -2;
  for (const comment of model.comments) {
    const line = comment.range.start.line;
    if (line !== previousLine + 1) {
      if (blockStart >= 0) add(blockStart, previousLine, FoldingRangeKind.Comment);
      blockStart = line;
    }
    previousLine = line;
  }
  if (blockStart >= 0) add(blockStart, previousLine, FoldingRangeKind.Comment);
}
