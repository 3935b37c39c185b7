import type { InstructionKind, Stage } from '../model';

/**
 * Whether a stage built FROM earlier stages inherits an instruction of `kind` from one of them
 * (the chain `FROM a` → `a`'s base → …, cycles and missing stages end it).
 */
export function ancestorHasInstruction(stages: Stage[], stage: Stage, kind: InstructionKind): boolean {
  const seen = new Set<number>();
  let base = stage.base;
  while (base.kind === 'stage' && !seen.has(base.stageIndex)) {
    seen.add(base.stageIndex);
    const parent = stages[base.stageIndex];
    if (!parent) return false;
    if (parent.instructions.some((i) => i.kind === kind)) return true;
    base = parent.base;
  }
  return false;
}
