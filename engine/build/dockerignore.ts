/**
 * `.dockerignore` with Docker's semantics (moby/patternmatcher + ignorefile): one pattern per line,
 * `#` comments, `!` exceptions, patterns cleaned and a leading `/` dropped, `*` `?` `[...]` within a
 * path component, `**` across components; the LAST matching pattern wins, and a pattern that
 * matches a parent directory matches everything below it.
 *
 * Hand-written because the shared parser team's matcher (engine/dockerfile/dockerignore.ts) had not
 * landed when the builder needed it; swap to it when it does (same semantics, same tests).
 */
import * as path from 'node:path';

interface Pattern {
  text: string;
  exclusion: boolean;
  re: RegExp;
}

const ESCAPE = new Set(['.', '+', '(', ')', '|', '{', '}', '$', '^']);

function compile(p: string): RegExp {
  let re = '^';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '*') {
      if (p[i + 1] === '*') {
        i++;
        if (p[i + 1] === '/') i++;
        re += i + 1 >= p.length ? '.*' : '(.*/)?';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '\\') {
      i++;
      if (i < p.length) re += `\\${p[i]}`;
    } else if (ESCAPE.has(ch)) re += `\\${ch}`;
    else re += ch;
  }
  return new RegExp(`${re}$`, 's');
}

/** Parses `.dockerignore` content into patterns (ignorefile.ReadAll). */
export function parseDockerignore(text: string): string[] {
  const out: string[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (line.startsWith('#')) continue;
    line = line.trim();
    if (!line) continue;
    let excl = false;
    if (line.startsWith('!')) {
      excl = true;
      line = line.slice(1).trim();
    }
    if (line) {
      line = path.posix.normalize(line).replace(/\/+$/, '') || '/';
      if (line.length > 1 && line.startsWith('/')) line = line.slice(1);
    }
    out.push(excl ? `!${line}` : line);
  }
  return out;
}

export class IgnoreMatcher {
  private readonly patterns: Pattern[];
  readonly hasExclusions: boolean;

  constructor(patterns: string[]) {
    this.patterns = patterns.filter((p) => p !== '' && p !== '!').map((p) => {
      const exclusion = p.startsWith('!');
      const text = exclusion ? p.slice(1) : p;
      return { text, exclusion, re: compile(text) };
    });
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
  }

  static fromFile(text: string): IgnoreMatcher {
    return new IgnoreMatcher(parseDockerignore(text));
  }

  /** Whether the context-relative path `rel` (no leading slash) is excluded. */
  matches(rel: string): boolean {
    let matched = false;
    const parents = rel.split('/').slice(0, -1);
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      let m = p.re.test(rel);
      for (let i = 0; !m && i < parents.length; i++) m = p.re.test(parents.slice(0, i + 1).join('/'));
      if (m) matched = !p.exclusion;
    }
    return matched;
  }

  /** A directory that is excluded may still contain re-included entries: walk it anyway? */
  mayContainExceptions(dirRel: string): boolean {
    if (!this.hasExclusions) return false;
    return this.patterns.some((p) => p.exclusion && (p.text.startsWith(`${dirRel}/`) || p.text.includes('*') || p.text.includes('?') || p.text.includes('[')));
  }
}
