/**
 * Shell glob patterns of `${a#p} ${a%p} ${a/p/r}` as BuildKit matches them: it converts the
 * glob to a Go regular expression (convertShellPatternToRegex: `*` → `.*` or `.*?`, `?` → `.`,
 * everything else literal; `\` escapes only `*`, `?` and `\`, and is dropped before `}` and `/`)
 * and runs it with Go's leftmost-first (Perl-like) semantics.
 *
 * Hand-written instead of using JS RegExp: a backtracking engine is exponential on patterns
 * like `*a*a*a*b`, and the editor expands every word of every keystroke; Go's RE2 is linear.
 * This is a small Pike VM with thread priorities, so it finds exactly the match RE2 finds, in
 * O(pattern × input) time. Like Go's `.`, `?` and `*` do not match a newline.
 */

export class GlobError extends Error {}

type Op =
  | { op: 'char'; c: string }
  | { op: 'any' }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; to: number }
  | { op: 'match' };

export interface Glob {
  prog: Op[];
}

/** Compile a glob (`greedy`: `*` prefers longer matches). Throws GlobError on a bad escape. */
export function compileGlob(pattern: string, greedy: boolean): Glob {
  const prog: Op[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const tok = chars[i];
    if (tok === '*') {
      // L0: split(L1, L3) greedy / split(L3, L1) lazy; L1: any; L2: jmp L0; L3: ...
      const l0 = prog.length;
      prog.push({ op: 'split', x: 0, y: 0 }, { op: 'any' }, { op: 'jmp', to: l0 });
      const body = l0 + 1;
      const after = l0 + 3;
      prog[l0] = greedy ? { op: 'split', x: body, y: after } : { op: 'split', x: after, y: body };
    } else if (tok === '?') {
      prog.push({ op: 'any' });
    } else if (tok === '\\') {
      const next = chars[i + 1];
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') throw new GlobError(`invalid escape '\\${next ?? '\ufffd'}'`);
      prog.push({ op: 'char', c: next });
      i++;
    } else {
      prog.push({ op: 'char', c: tok });
    }
  }
  prog.push({ op: 'match' });
  return { prog };
}

interface Thread {
  pc: number;
  start: number;
}

/**
 * Leftmost-first match of `glob` in `input` (code points) starting the search at `from`.
 * `anchored`: the match must start at `from`. Returns [start, end] in code points.
 */
export function globSearch(glob: Glob, input: string[], from: number, anchored: boolean): [number, number] | undefined {
  const prog = glob.prog;
  const mark = new Int32Array(prog.length).fill(-1);
  let generation = 0;
  const add = (list: Thread[], pc: number, start: number) => {
    // Iterative epsilon closure in priority order.
    const stack = [pc];
    while (stack.length) {
      const p = stack.pop()!;
      if (mark[p] === generation) continue;
      mark[p] = generation;
      const ins = prog[p];
      if (ins.op === 'jmp') stack.push(ins.to);
      else if (ins.op === 'split') stack.push(ins.y, ins.x);
      else list.push({ pc: p, start });
    }
  };
  let clist: Thread[] = [];
  let matched: [number, number] | undefined;
  for (let i = from; i <= input.length; i++) {
    if (!matched && (!anchored || i === from)) add(clist, 0, i);
    if (clist.length === 0) break;
    generation++;
    const nlist: Thread[] = [];
    for (const t of clist) {
      const ins = prog[t.pc];
      if (ins.op === 'match') {
        matched = [t.start, i];
        break; // lower-priority threads are cut off
      }
      if (i < input.length && (ins.op === 'any' ? input[i] !== '\n' : ins.op === 'char' && input[i] === ins.c)) {
        add(nlist, t.pc + 1, t.start);
      }
    }
    clist = nlist;
  }
  return matched;
}

/** Reverse a pattern keeping `\x` escapes attached (`a\*c` → `c\*a`). */
export function reverseGlob(pattern: string): string {
  const chars = [...pattern];
  const out: string[] = new Array(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last; ) {
    const outIdx = last - i;
    if (chars[i] === '\\' && i !== last) {
      out[outIdx - 1] = '\\';
      out[outIdx] = chars[i + 1];
      i += 2;
    } else {
      out[outIdx] = chars[i];
      i++;
    }
  }
  return out.join('');
}

/** Go's Regexp.ReplaceAllString / replace-first over a glob (template `$` expansion included). */
export function globReplace(glob: Glob, value: string, replacement: string, all: boolean): string {
  const input = [...value];
  if (!all) {
    const m = globSearch(glob, input, 0, false);
    return m ? input.slice(0, m[0]).join('') + replacement + input.slice(m[1]).join('') : value;
  }
  let out = '';
  let last = 0;
  let prevEnd = -1;
  for (let pos = 0; pos <= input.length; ) {
    const m = globSearch(glob, input, pos, false);
    if (!m) break;
    let accept = true;
    if (m[1] === m[0] && m[0] === pos) {
      // Empty match: not allowed right after the previous match; move on one character.
      if (m[0] === prevEnd) accept = false;
      pos++;
    } else {
      pos = m[1];
    }
    prevEnd = m[1];
    if (accept) {
      out += input.slice(last, m[0]).join('') + goExpandTemplate(replacement, input.slice(m[0], m[1]).join(''));
      last = m[1];
    }
  }
  return out + input.slice(last).join('');
}

/** Go's regexp template expansion (`$0`/`${0}` is the match, `$$` a dollar, other names empty). */
function goExpandTemplate(template: string, match: string): string {
  if (!template.includes('$')) return template;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name = '';
    let j = i + 1;
    if (template[j] === '{') {
      const close = template.indexOf('}', j);
      const inner = close === -1 ? '' : template.slice(j + 1, close);
      if (/^\w+$/.test(inner)) {
        name = inner;
        j = close + 1;
      }
    } else {
      while (j < template.length && /\w/.test(template[j])) name += template[j++];
    }
    if (name === '') {
      out += '$';
      continue;
    }
    if (name === '0') out += match;
    i = j - 1;
  }
  return out;
}
