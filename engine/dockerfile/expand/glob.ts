/**
 * Shell glob patterns of `${a#p} ${a%p} ${a/p/r}` as BuildKit converts them to regular
 * expressions (convertShellPatternToRegex): `*` any run, `?` one character, no brackets;
 * `\` escapes only `*`, `?` and `\` (and is dropped before `}` and `/`).
 */

export class GlobError extends Error {}

export function globToRegExp(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  let out = anchored ? '^' : '';
  const star = greedy ? '.*' : '.*?';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const tok = chars[i];
    if (tok === '*') {
      out += star;
      continue;
    }
    if (tok === '?') {
      out += '.';
      continue;
    }
    if (tok === '\\') {
      const next = chars[i + 1];
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') {
        throw new GlobError(`invalid escape '\\${next ?? ''}'`);
      }
      out += '\\' + next;
      i++;
      continue;
    }
    out += /[[\]{}.+()|^$]/.test(tok) ? '\\' + tok : tok;
  }
  return new RegExp(out, global ? 'gu' : 'u');
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
