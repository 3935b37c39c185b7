import type { Instruction } from '../model';
import { INSTRUCTIONS, type InstructionSpec } from '../spec';

/** The spec of an instruction by its (already uppercase) kind; undefined for unknown instructions. */
export function specOf(i: Instruction): InstructionSpec | undefined {
  return i.kind === 'UNKNOWN' ? undefined : INSTRUCTIONS[i.kind];
}
