/** What a rule sees: the model, the options, and `report()`. */
import type { DockerfileModel, Instruction, InstructionKind, Range } from '../model';
import { ScopeModel } from '../expand';
import type { LintOptions, Report, Rule } from './types';

export interface RawProblem extends Report {
  rule: Rule;
}

export class LintContext {
  readonly problems: RawProblem[] = [];
  private currentRule: Rule | undefined;

  private scopeModel: ScopeModel | undefined;
  private everyInstruction: Instruction[] | undefined;
  private readonly cache = new Map<object, unknown>();
  private byKind: Map<InstructionKind, Instruction[]> | undefined;
  private readonly flagged = {};

  constructor(readonly model: DockerfileModel, readonly options: LintOptions) {}

  /** Runs one rule, collecting what it reports. A rule that throws is a bug: it is rethrown in tests. */
  run(rule: Rule): void {
    this.currentRule = rule;
    try {
      rule.check(this);
    } finally {
      this.currentRule = undefined;
    }
  }

  report(report: Report): void {
    if (!this.currentRule) throw new Error('report() outside a rule');
    this.problems.push({ ...report, rule: this.currentRule });
  }

  /** Reports on an instruction (ONBUILD triggers are attributed to their ONBUILD line for skips). */
  reportOn(instruction: Instruction, range: Range, message: string, fixes?: Report['fixes']): void {
    this.report({ range, message, fixes, instruction: this.topLevelIndex(instruction) });
  }

  topLevelIndex(instruction: Instruction): number | undefined {
    return this.model.instructions[instruction.index] === instruction || instruction.parent ? instruction.index : undefined;
  }

  /** Every instruction including ONBUILD triggers, in document order (computed once). */
  allInstructions(): readonly Instruction[] {
    if (!this.everyInstruction) {
      const all: Instruction[] = [];
      for (const instruction of this.model.instructions) {
        all.push(instruction);
        let current: Instruction | undefined = instruction;
        while (current?.kind === 'ONBUILD' && current.trigger) {
          all.push(current.trigger);
          current = current.trigger;
        }
      }
      this.everyInstruction = all;
    }
    return this.everyInstruction;
  }

  /** Instructions (ONBUILD triggers included) of the given kinds, bucketed once: rules visit only what they check. */
  ofKind(...kinds: InstructionKind[]): readonly Instruction[] {
    if (!this.byKind) {
      this.byKind = new Map();
      for (const i of this.allInstructions()) {
        let bucket = this.byKind.get(i.kind);
        if (!bucket) this.byKind.set(i.kind, (bucket = []));
        bucket.push(i);
      }
    }
    if (kinds.length === 1) return this.byKind.get(kinds[0]) ?? [];
    return kinds.flatMap((k) => this.byKind!.get(k) ?? []);
  }

  /** Instructions that carry flags. */
  withFlags(): readonly Instruction[] {
    return this.memo(this.flagged, () => this.allInstructions().filter((i) => i.flags.length > 0));
  }

  /** Per-lint-run memo shared by rules (e.g. parsed RUN scripts, expanded words). */
  memo<K extends object, V>(key: K, compute: () => V): V {
    if (this.cache.has(key)) return this.cache.get(key) as V;
    const value = compute();
    this.cache.set(key, value);
    return value;
  }

  /** ARG/ENV scopes (computed once, with the caller's build args). */
  get scopes(): ScopeModel {
    this.scopeModel ??= new ScopeModel(this.model, { buildArgs: this.options.buildArgs });
    return this.scopeModel;
  }

  /** The document text of a range. */
  textOf(range: Range): string {
    return this.model.text.slice(this.model.offsetAt(range.start), this.model.offsetAt(range.end));
  }
}
