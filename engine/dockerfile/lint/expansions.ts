/**
 * The words the builder expands (BuildKit's processWord over ADD/COPY/ENV/LABEL/ARG/EXPOSE/FROM/
 * STOPSIGNAL/USER/VOLUME/WORKDIR words, ADD/COPY flag values and RUN --mount options), each
 * expanded once in the scope it is evaluated in. Shared by UndefinedVar, the FROM checks and the
 * expansion-error rules.
 */
import type { EscapeChar, Flag, Instruction, Range, Word } from '../model';
import { expandWord, type ExpandResult, type Scope } from '../expand';
import { wordSubRange } from '../wordRange';
import type { LintContext } from './context';

export type WordRole = 'from-image' | 'from-platform' | 'value' | 'expose' | 'exec';

export interface ExpandedWord {
  instruction: Instruction;
  role: WordRole;
  text: string;
  scope: Scope;
  result: ExpandResult;
  /** BuildKit runs UndefinedVar on this word. */
  checkUndefined: boolean;
  /** Document range of `text.slice(from, to)`. */
  rangeOf(from: number, to: number): Range;
  /** The whole word. */
  range: Range;
}

const key = {};

/** Words without `$`, quotes or the escape character expand to themselves: skip the lexer (most words). */
function expand(text: string, scope: Scope, escapeChar: EscapeChar): ExpandResult {
  if (!/[$'"]/.test(text) && !text.includes(escapeChar)) {
    return { value: text, words: [text], matched: [], unmatched: [], references: [], errors: [] };
  }
  return expandWord(text, scope.env, { escapeChar });
}

export function expandedWords(ctx: LintContext): ExpandedWord[] {
  return ctx.memo(key, () => collect(ctx));
}

function collect(ctx: LintContext): ExpandedWord[] {
  const { model } = ctx;
  const scopes = ctx.scopes;
  const out: ExpandedWord[] = [];
  const escapeChar = model.escapeChar;
  const fromWord = (instruction: Instruction, word: Word, role: WordRole, scope: Scope, checkUndefined: boolean, exact = true) => {
    const result = expand(word.text, scope, escapeChar);
    out.push({
      instruction, role, text: word.text, scope, result, checkUndefined, range: word.range,
      rangeOf: (from, to) => (exact ? wordSubRange(model, word, from, to) : word.range),
    });
  };
  const fromFlag = (instruction: Instruction, flag: Flag, scope: Scope, checkUndefined: boolean, role: WordRole = 'value') => {
    if (flag.value === undefined || !flag.valueRange) return;
    const valueRange = flag.valueRange;
    const start = model.offsetAt(valueRange.start) + (flag.valueText && /^["']/.test(flag.valueText) ? 1 : 0);
    const exact = flag.valueText === flag.value || flag.valueText === `"${flag.value}"` || flag.valueText === `'${flag.value}'`;
    const result = expand(flag.value, scope, escapeChar);
    out.push({
      instruction, role, text: flag.value, scope, result, checkUndefined, range: valueRange,
      rangeOf: (from, to) => (exact ? { start: model.positionAt(start + from), end: model.positionAt(start + to) } : valueRange),
    });
  };
  for (const stage of model.stages) {
    const from = stage.from;
    if (from.image) fromWord(from, from.image, 'from-image', scopes.global, false);
    if (from.platform) fromFlag(from, from.platform, scopes.global, false, 'from-platform');
    for (const i of stage.instructions) {
      if (i === from) continue;
      const scope = scopes.scopeBefore(i);
      switch (i.kind) {
        case 'ADD':
        case 'COPY': {
          for (const f of i.flags) if (['chown', 'chmod', 'checksum', 'from', 'exclude'].includes(f.name.toLowerCase())) fromFlag(i, f, scope, f.name !== 'from' && f.name !== 'exclude');
          const heredocTokens = new Set(i.heredocs.map((h) => `${h.tokenRange.start.line}:${h.tokenRange.start.character}`));
          for (const w of i.args) {
            if (heredocTokens.has(`${w.range.start.line}:${w.range.start.character}`)) continue;
            fromWord(i, w, 'value', scope, true, !i.json);
          }
          break;
        }
        case 'ENV':
        case 'LABEL':
        case 'ARG':
          for (const p of i.pairs) if (p.value) fromWord(i, p.value, 'value', scope, true);
          break;
        case 'EXPOSE':
          for (const p of i.ports) fromWord(i, p.word, 'expose', scope, false);
          break;
        case 'STOPSIGNAL':
        case 'USER':
        case 'VOLUME':
        case 'WORKDIR':
          for (const w of i.args) fromWord(i, w, 'value', scope, true, !i.json);
          break;
        case 'RUN':
          for (const m of i.mounts) {
            for (const o of m.options) {
              if (o.value === undefined || !o.valueRange) continue;
              const valueRange = o.valueRange;
              const start = model.offsetAt(valueRange.start);
              const exact = valueRange.start.line === valueRange.end.line && valueRange.end.character - valueRange.start.character === o.value.length;
              out.push({
                instruction: i, role: 'value', text: o.value, scope, checkUndefined: true, range: valueRange,
                result: expand(o.value, scope, escapeChar),
                rangeOf: (a, b) => (exact ? { start: model.positionAt(start + a), end: model.positionAt(start + b) } : valueRange),
              });
            }
          }
          break;
        default:
          break;
      }
    }
  }
  return out;
}
