import type { Instruction, Stage, StageReference } from '../model';

// Module-level regexes: a regex literal inside a function is a new RegExp object on every call.
const DIGITS = /^\d+$/;

/**
 * Group instructions into stages and resolve stage references (BuildKit compares stage names
 * case-insensitively; `--from=<n>` may name an earlier stage by index).
 */
export function buildStages(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  const byName = new Map<string, number>();
  const resolve = (target: string, current: number): number | undefined => {
    const named = byName.get(target.toLowerCase());
    if (named !== undefined && named < current) return named;
    if (DIGITS.test(target)) {
      const n = Number(target);
      if (n < current) return n;
    }
    return undefined;
  };
  const addRefs = (inst: Instruction, stage: Stage) => {
    // No closure per instruction: the bundle's keepNames makes creating named closures costly.
    if ((inst.kind === 'COPY' || inst.kind === 'ADD') && inst.from?.value !== undefined) {
      const range = inst.from.valueRange;
      if (range) addRef(stage, inst, 'copy-from', inst.from.value, range, resolve(inst.from.value, stage.index));
    }
    if (inst.kind === 'RUN') {
      for (const m of inst.mounts) {
        for (const o of m.options) {
          const range = o.key === 'from' && o.value !== undefined ? o.valueRange : undefined;
          if (range) addRef(stage, inst, 'mount-from', o.value!, range, resolve(o.value!, stage.index));
        }
      }
    }
    if (inst.kind === 'ONBUILD' && inst.trigger) addRefs(inst.trigger, stage);
  };

  for (const inst of instructions) {
    if (inst.kind === 'FROM') {
      const index = stages.length;
      const image = inst.image?.text;
      const stage: Stage = {
        index,
        from: inst,
        base: image === undefined ? { kind: 'missing' } : { kind: 'image', image },
        instructions: [],
        range: inst.fullRange,
        references: [],
      };
      if (inst.platform) stage.platform = inst.platform;
      if (image !== undefined) {
        const target = resolve(image, index);
        if (image.toLowerCase() === 'scratch') stage.base = { kind: 'scratch' };
        else if (target !== undefined && byName.has(image.toLowerCase())) {
          stage.base = { kind: 'stage', stageIndex: target };
          stage.references.push({ via: 'from', target: image, range: inst.image!.range, instruction: inst, stageIndex: target });
        }
      }
      if (inst.stageName && inst.asKeyword?.text.toLowerCase() === 'as') {
        stage.name = inst.stageName.text.toLowerCase();
        stage.nameText = inst.stageName.text;
        stage.nameRange = inst.stageName.range;
        if (!byName.has(stage.name)) byName.set(stage.name, index);
      }
      stages.push(stage);
    }
    const stage = stages[stages.length - 1];
    if (!stage) continue;
    inst.stageIndex = stage.index;
    if (inst.kind === 'ONBUILD' && inst.trigger) inst.trigger.stageIndex = stage.index;
    stage.instructions.push(inst);
    addRefs(inst, stage);
  }
  // A stage runs from its FROM to the end of its last instruction (one range per stage, made at the end).
  for (const stage of stages) {
    const last = stage.instructions[stage.instructions.length - 1];
    if (last !== stage.from) stage.range = { start: stage.from.fullRange.start, end: last.fullRange.end };
  }
  return stages;
}

function addRef(
  stage: Stage, instruction: Instruction, via: StageReference['via'], target: string, range: StageReference['range'], stageIndex: number | undefined,
): void {
  const r: StageReference = { via, target, range, instruction };
  if (stageIndex !== undefined) r.stageIndex = stageIndex;
  stage.references.push(r);
}
