/**
 * The words the builder expands (BuildKit's processWord over ADD/COPY/ENV/LABEL/ARG/EXPOSE/FROM/
 * STOPSIGNAL/USER/VOLUME/WORKDIR words, ADD/COPY flag values and RUN --mount options), each
 * expanded once in the scope it is evaluated in. Shared by UndefinedVar, the FROM checks and the
 * expansion-error rules. Built for large files: no per-word closures, plain words skip the lexer.
 */
import type { DockerfileModel, Flag, Instruction, Range, Word } from '../model';
import { expandWord, isPlainWord, type ExpandResult, type Scope } from '../expand';
import { wordSubRange } from '../wordRange';
import type { LintContext } from './context';

export type WordRole = 'from-image' | 'from-platform' | 'value' | 'expose';

export class ExpandedWord {
  constructor(
    private readonly model: DockerfileModel,
    readonly instruction: Instruction,
    readonly role: WordRole,
    readonly text: string,
    readonly scope: Scope,
    readonly result: ExpandResult,
    /** BuildKit runs UndefinedVar on this word. */
    readonly checkUndefined: boolean,
    /** The whole word. */
    readonly range: Range,
    /** The model word (sub-ranges map through continuations), if the text is a word's source text. */
    private readonly word: Word | undefined,
    /** Else: document offset of text[0] when the text is verbatim on one line; -1 when unknown. */
    private readonly start: number,
    /** The model word this text is (or decodes) from, if any. */
    readonly source?: Word,
  ) {}

  /** Document range of `text.slice(from, to)` (the whole word when it cannot be mapped exactly). */
  rangeOf(from: number, to: number): Range {
    if (this.word) return wordSubRange(this.model, this.word, from, to);
    if (this.start < 0) return this.range;
    return { start: this.model.positionAt(this.start + from), end: this.model.positionAt(this.start + to) };
  }
}

const key = {};
// Module-level regexes: a regex literal inside a function is a new RegExp object on every call.
const QUOTED = /^["']/;

/**
 * The expanded words: every FROM image/platform and (when a .dockerignore is given) every COPY/ADD
 * source; elsewhere only words that contain `$`, quotes or the escape character — a plain word
 * expands to itself, so it can hold neither a variable nor an expansion error.
 */
export function expandedWords(ctx: LintContext): ExpandedWord[] {
  return ctx.memo(key, () => collect(ctx));
}

function collect(ctx: LintContext): ExpandedWord[] {
  const { model } = ctx;
  const scopes = ctx.scopes;
  const out: ExpandedWord[] = [];
  const escapeChar = model.escapeChar;
  const copySources = ctx.options.dockerignore !== undefined;
  const fromWord = (instruction: Instruction, word: Word, role: WordRole, scope: Scope, checkUndefined: boolean, exact: boolean) => {
    if (role !== 'from-image' && !(copySources && (instruction.kind === 'COPY' || instruction.kind === 'ADD')) && isPlainWord(word.text, escapeChar)) return;
    out.push(new ExpandedWord(model, instruction, role, word.text, scope, scopes.expansionOf(word) ?? expandWord(word.text, scope.env, { escapeChar }), checkUndefined, word.range, exact ? word : undefined, -1, word));
  };
  const fromFlag = (instruction: Instruction, flag: Flag, scope: Scope, checkUndefined: boolean, role: WordRole) => {
    if (flag.value === undefined || (role !== 'from-platform' && isPlainWord(flag.value, escapeChar))) return;
    const valueRange = flag.valueRange;
    if (!valueRange) return;
    const quoted = flag.valueText !== undefined && QUOTED.test(flag.valueText);
    const verbatim = flag.valueText === flag.value || (quoted && flag.valueText!.slice(1, -1) === flag.value);
    const start = verbatim && valueRange.start.line === valueRange.end.line ? model.offsetAt(valueRange.start) + (quoted ? 1 : 0) : -1;
    out.push(new ExpandedWord(model, instruction, role, flag.value, scope, expandWord(flag.value, scope.env, { escapeChar }), checkUndefined, valueRange, undefined, start));
  };
  for (const stage of model.stages) {
    const from = stage.from;
    if (from.image) fromWord(from, from.image, 'from-image', scopes.global, false, true);
    if (from.platform) fromFlag(from, from.platform, scopes.global, false, 'from-platform');
    for (const i of stage.instructions) {
      if (i === from) continue;
      switch (i.kind) {
        case 'ADD':
        case 'COPY': {
          const scope = scopes.scopeBefore(i);
          for (const f of i.flags) {
            const name = f.name.toLowerCase();
            if (name === 'chown' || name === 'chmod' || name === 'checksum') fromFlag(i, f, scope, true, 'value');
            else if (name === 'from' || name === 'exclude') fromFlag(i, f, scope, false, 'value');
          }
          for (const w of i.args) {
            if (i.heredocs.length > 0 && i.heredocs.some((h) => h.tokenRange.start.line === w.range.start.line && h.tokenRange.start.character === w.range.start.character)) continue;
            fromWord(i, w, 'value', scope, true, !i.json);
          }
          break;
        }
        case 'ENV':
        case 'LABEL':
        case 'ARG': {
          const scope = scopes.scopeBefore(i);
          for (const p of i.pairs) if (p.value) fromWord(i, p.value, 'value', scope, true, true);
          break;
        }
        case 'EXPOSE': {
          const scope = scopes.scopeBefore(i);
          for (const p of i.ports) fromWord(i, p.word, 'expose', scope, false, true);
          break;
        }
        case 'STOPSIGNAL':
        case 'USER':
        case 'VOLUME':
        case 'WORKDIR': {
          const scope = scopes.scopeBefore(i);
          for (const w of i.args) fromWord(i, w, 'value', scope, true, !i.json);
          break;
        }
        case 'RUN': {
          if (i.mounts.length === 0) break;
          const scope = scopes.scopeBefore(i);
          for (const m of i.mounts) {
            for (const o of m.options) {
              if (o.value === undefined || isPlainWord(o.value, escapeChar)) continue;
              const r = o.valueRange;
              if (!r) continue;
              const verbatim = r.start.line === r.end.line && r.end.character - r.start.character === o.value.length;
              out.push(new ExpandedWord(model, i, 'value', o.value, scope, expandWord(o.value, scope.env, { escapeChar }), true, r, undefined, verbatim ? model.offsetAt(r.start) : -1));
            }
          }
          break;
        }
        default:
          break;
      }
    }
  }
  return out;
}
