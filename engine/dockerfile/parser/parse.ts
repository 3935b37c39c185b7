/**
 * The Dockerfile parser: one pass over the physical lines, as BuildKit's parser.Parse reads them
 * (parser directives at the top, comments, continuations, heredoc bodies), producing the lossless
 * model. Never throws; every problem is collected with its range.
 */
import type {
  ArgInstruction, Comment, DockerfileModel, EscapeChar, Heredoc, Instruction, ParseProblem, ParserDirective, Range,
} from '../model';
import { DIRECTIVES } from '../spec/directives';
import { buildStages } from './stages';
import { parseInstruction } from './instruction';
import { LineIndex } from './lineIndex';
import { NONE, append } from './lists';
import { LogicalLine } from './logical';
import type { InstructionNode } from './nodes';
import { ProblemCode } from './problems';
import { isSpace, parseWords, shellUnquote } from './words';

const HEREDOC_WORD = /^(\d*)<<(-?)([^<]*)$/;
const NOT_BLANK = /\S/;

export function parseDockerfile(text: string): DockerfileModel {
  const index = new LineIndex(text);
  const problems: ParseProblem[] = [];
  const directives: ParserDirective[] = [];
  const comments: Comment[] = [];
  const instructions: Instruction[] = [];
  let escapeChar: EscapeChar = '\\';
  let directivesDone = false;
  const lineCount = index.lineCount;

  const firstNonSpace = (s: number, e: number) => {
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    return s;
  };
  /** Index of the escape char that continues this line, or -1. BuildKit's regex
   * `([^\\])\\[ \t]*$|^\\[ \t]*$`: an escaped escape char (`\\`) does not continue. */
  const continuationAt = (s: number, e: number) => {
    let q = e;
    while (q > s && (text.charCodeAt(q - 1) === 32 || text.charCodeAt(q - 1) === 9)) q--;
    if (q <= s || text[q - 1] !== escapeChar) return -1;
    return q - 1 === s || text[q - 2] !== escapeChar ? q - 1 : -1;
  };
  const comment = (s: number, e: number, insideInstruction: boolean): Comment => ({
    text: text.slice(s + 1, e).trim(),
    range: index.range(s, e),
    insideInstruction,
  });

  const line = new LogicalLine(index);
  const ctx = { line, escape: 92, problems };
  for (let i = 0; i < lineCount; i++) {
    const ls = i === 0 && text.charCodeAt(0) === 0xfeff ? 1 : index.lineStarts[i];
    const le = index.lineEnd(i);
    const f = firstNonSpace(ls, le);
    if (!directivesDone) {
      const d = directiveAt(text, index, f, le);
      if (d && DIRECTIVES.some((spec) => spec.name === d.name)) {
        if (directives.some((x) => x.name === d.name)) {
          problems.push({
            code: ProblemCode.DuplicateDirective,
            message: `only one ${d.name} parser directive can be used`,
            range: d.range,
            severity: 'error',
          });
        } else {
          directives.push(d);
          if (d.name === 'escape') {
            if (d.value === '\\' || d.value === '`') escapeChar = d.value;
            else {
              problems.push({
                code: ProblemCode.InvalidEscapeDirective,
                message: `invalid escape token '${d.value}' does not match \` or \\`,
                range: d.valueRange,
                severity: 'error',
              });
            }
          }
        }
        continue;
      }
      directivesDone = true;
    }
    if (f === le) continue;
    if (text.charCodeAt(f) === 35 /* # */) {
      comments.push(comment(f, le, false));
      continue;
    }

    // An instruction: join its continued lines.
    line.reset();
    // Most instructions have none of these: they share one frozen empty array until the first entry.
    let continuations: Range[] = NONE;
    let emptyLines: Range[] = NONE;
    let innerComments: Comment[] = NONE;
    let cont = continuationAt(f, le);
    line.append(f, cont >= 0 ? cont : le);
    if (cont >= 0) continuations = [index.range(cont, cont + 1)];
    while (cont >= 0 && i + 1 < lineCount) {
      i++;
      const s = index.lineStarts[i];
      const e = index.lineEnd(i);
      const nf = firstNonSpace(s, e);
      if (nf === e) {
        // The "line" after a final line break is not a line for BuildKit's scanner.
        if (s < text.length) emptyLines = append(emptyLines, index.range(s, e));
        continue;
      }
      if (text.charCodeAt(nf) === 35) {
        const c = comment(nf, e, true);
        innerComments = append(innerComments, c);
        comments.push(c);
        continue;
      }
      cont = continuationAt(s, e);
      line.append(s, cont >= 0 ? cont : e);
      if (cont >= 0) continuations = append(continuations, index.range(cont, cont + 1));
    }
    if (!NOT_BLANK.test(line.text)) continue;

    ctx.escape = escapeChar.charCodeAt(0);
    const inst = parseInstruction(ctx, 0);
    inst.continuations = continuations;
    inst.emptyContinuationLines = emptyLines;
    inst.comments = innerComments;
    // BuildKit's canContainHeredoc: RUN/COPY/ADD in shell form, also as an ONBUILD trigger.
    const target = inst.kind === 'ONBUILD' ? inst.trigger : inst;
    if (target && (target.kind === 'RUN' || target.kind === 'COPY' || target.kind === 'ADD')) {
      if (!target.json && line.text.includes('<<')) {
        const { heredocs, nextLine, end } = readHeredocs(text, index, line, i + 1, problems);
        inst.heredocs = heredocs;
        target.heredocs = heredocs;
        if (heredocs.length > 0) {
          i = nextLine - 1;
          if (end >= 0) (inst as unknown as InstructionNode).fullEnd = end;
        }
      }
    }
    for (let x: Instruction | undefined = inst; x; x = x.kind === 'ONBUILD' ? x.trigger : undefined) x.index = instructions.length;
    instructions.push(inst);
  }

  if (instructions.length === 0) {
    problems.push({
      code: ProblemCode.EmptyDockerfile,
      message: 'file with no instructions',
      range: index.range(0, 0),
      severity: 'error',
    });
  }

  const stages = buildStages(instructions);
  const globalArgs = instructions.filter((x): x is ArgInstruction => x.kind === 'ARG' && x.stageIndex === -1);
  return {
    text,
    escapeChar,
    directives,
    comments,
    instructions,
    stages,
    globalArgs,
    problems,
    lineStarts: index.lineStarts,
    positionAt: (offset) => index.positionAt(offset),
    offsetAt: (position) => index.offsetAt(position),
  };
}

/** `#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` on the left-trimmed line, without a regex. */
function directiveAt(text: string, index: LineIndex, f: number, le: number): ParserDirective | undefined {
  if (text.charCodeAt(f) !== 35) return undefined;
  let p = f + 1;
  while (p < le && isSpace(text.charCodeAt(p))) p++;
  const ns = p;
  if (!/[a-zA-Z]/.test(text[p] ?? '')) return undefined;
  while (p < le && /[a-zA-Z0-9]/.test(text[p])) p++;
  const ne = p;
  while (p < le && isSpace(text.charCodeAt(p))) p++;
  if (text[p] !== '=') return undefined;
  p++;
  while (p < le && isSpace(text.charCodeAt(p))) p++;
  let ve = le;
  while (ve > p && isSpace(text.charCodeAt(ve - 1))) ve--;
  if (ve <= p) return undefined;
  const nameText = text.slice(ns, ne);
  return {
    name: nameText.toLowerCase(),
    nameText,
    nameRange: index.range(ns, ne),
    value: text.slice(p, ve),
    valueRange: index.range(p, ve),
    range: index.range(f, ve),
  };
}

/** Find `<<EOF`-style words on the logical line and read their bodies from `startLine` on. */
function readHeredocs(
  text: string, index: LineIndex, line: LogicalLine, startLine: number, problems: ParseProblem[],
): { heredocs: Heredoc[]; nextLine: number; end: number } {
  const heredocs: Heredoc[] = [];
  const t = line.text;
  for (const w of parseWords(t, 0, t.length, 92)) {
    const m = HEREDOC_WORD.exec(t.slice(w.start, w.end));
    if (!m || m[3].length === 0) continue;
    const { text: name, quoted } = shellUnquote(m[3], '\\');
    if (name === '') continue;
    const nameStart = w.end - m[3].length;
    const h: Heredoc = {
      name,
      tokenRange: line.range(w.start, w.end),
      nameRange: line.range(nameStart, w.end),
      stripTabs: m[2] === '-',
      quoted,
      content: '',
    };
    if (m[1]) h.fd = Number(m[1]);
    heredocs.push(h);
  }
  let ln = startLine;
  /** Document offset where the last terminator (or body) ends, -1 for none. */
  let end = -1;
  for (const h of heredocs) {
    end = -1;
    let bodyStart = -1;
    let bodyEnd = -1;
    let content = '';
    for (; ln < index.lineCount; ln++) {
      const s = index.lineStarts[ln];
      const e = index.lineEnd(ln);
      if (s === text.length && ln === index.lineCount - 1) break;
      // The terminator is compared without the line break; the body keeps the line breaks as
      // written (BuildKit's scanner preserves them), leading tabs removed for `<<-`.
      const next = ln + 1 < index.lineCount ? index.lineStarts[ln + 1] : text.length;
      let lineText = text.slice(s, e);
      if (h.stripTabs) lineText = lineText.replace(/^\t+/, '');
      if (lineText === h.name) {
        h.endRange = index.range(s, e);
        end = e;
        ln++;
        break;
      }
      if (bodyStart < 0) bodyStart = s;
      bodyEnd = e;
      content += lineText + text.slice(e, next);
    }
    h.content = content;
    if (bodyStart >= 0) h.bodyRange = index.range(bodyStart, bodyEnd);
    if (!h.endRange && bodyEnd >= 0) end = bodyEnd;
    if (!h.endRange) {
      problems.push({
        code: ProblemCode.UnterminatedHeredoc,
        message: `unterminated heredoc: no line "${h.name}" ends it`,
        range: h.tokenRange,
        severity: 'error',
      });
    }
  }
  return { heredocs, nextLine: ln, end };
}
