/**
 * `.dockerignore` semantics of moby/patternmatcher (+ its ignorefile reader), as pure functions.
 * Hand-written: the npm ignore libraries follow .gitignore rules, which differ from Docker's
 * (no implicit `**` for bare names, `**` prefix/suffix special cases, cleaned paths, `!`
 * exceptions that cannot re-include below an excluded parent's pattern order, ...).
 * Paths are slash-separated and relative to the build context.
 */

export interface IgnorePattern {
  /** The cleaned pattern without `!` (e.g. `node_modules`, `**\/*.log`). */
  pattern: string;
  /** `!pattern`: re-includes what earlier patterns excluded. */
  exclusion: boolean;
  /** 0-based line in the ignore file. */
  line: number;
}

export interface DockerignoreParseResult {
  patterns: IgnorePattern[];
  /** Patterns Docker rejects (the build fails with this message). */
  errors: { line: number; message: string }[];
}

/** Go's path.Clean for slash-separated paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** A path as the context sees it: cleaned, without a leading `/`. */
export function contextPath(p: string): string {
  const c = cleanPath(p);
  return c.length > 1 && c.startsWith('/') ? c.slice(1) : c === '/' ? '.' : c;
}

/** Read an ignore file (ignorefile.ReadAll) and validate its patterns (patternmatcher.New). */
export function parseDockerignore(text: string): DockerignoreParseResult {
  const patterns: IgnorePattern[] = [];
  const errors: DockerignoreParseResult['errors'] = [];
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    let raw = lines[line];
    if (line === 0 && raw.startsWith('\ufeff')) raw = raw.slice(1);
    if (raw.startsWith('#')) continue;
    let p = raw.trim();
    if (p === '') continue;
    const invert = p[0] === '!';
    if (invert) p = p.slice(1).trim();
    if (p.length > 0) {
      p = cleanPath(p);
      if (p.length > 1 && p[0] === '/') p = p.slice(1);
    }
    if (invert && p === '') {
      errors.push({ line, message: 'illegal exclusion pattern: "!"' });
      continue;
    }
    const bad = badPattern(p);
    if (bad) {
      errors.push({ line, message: bad });
      continue;
    }
    patterns.push({ pattern: p, exclusion: invert, line });
  }
  return { patterns, errors };
}

function badPattern(p: string): string | undefined {
  if (p.endsWith('\\') && !p.endsWith('\\\\')) return 'syntax error in pattern';
  let depth = false;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '[') {
      if (depth) continue;
      depth = true;
      if (p[i + 1] === ']') return 'syntax error in pattern';
    } else if (p[i] === ']') depth = false;
  }
  return depth ? 'syntax error in pattern' : undefined;
}

type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

class CompiledPattern {
  readonly type: MatchType;
  readonly regexp?: RegExp;

  constructor(readonly pattern: string, readonly exclusion: boolean) {
    let re = '^';
    let type: MatchType = 'exact';
    const chars = [...pattern];
    for (let i = 0, n = 0; i < chars.length; i++, n++) {
      const ch = chars[i];
      if (ch === '*') {
        if (chars[i + 1] === '*') {
          i++;
          if (chars[i + 1] === '/') i++;
          if (i + 1 >= chars.length) {
            if (type === 'exact') type = 'prefix';
            else {
              re += '.*';
              type = 'regexp';
            }
          } else {
            re += '(.*/)?';
            type = 'regexp';
          }
          if (n === 0) type = 'suffix';
        } else {
          re += '[^/]*';
          type = 'regexp';
        }
      } else if (ch === '?') {
        re += '[^/]';
        type = 'regexp';
      } else if ('.+()|{}$'.includes(ch)) {
        re += '\\' + ch;
      } else if (ch === '\\') {
        if (i + 1 < chars.length) {
          re += '\\' + chars[++i];
          type = 'regexp';
        } else re += '\\\\';
      } else if (ch === '[' || ch === ']') {
        re += ch;
        type = 'regexp';
      } else {
        re += ch;
      }
    }
    this.type = type;
    if (type === 'regexp') {
      try {
        this.regexp = new RegExp(re + '$', 'u');
      } catch {
        this.regexp = undefined;
      }
    }
  }

  match(path: string): boolean {
    switch (this.type) {
      case 'exact':
        return path === this.pattern;
      case 'prefix':
        return path.startsWith(this.pattern.slice(0, -2));
      case 'suffix': {
        const suffix = this.pattern.slice(2);
        if (path.endsWith(suffix)) return true;
        return suffix[0] === '/' && path === suffix.slice(1);
      }
      default:
        return this.regexp ? this.regexp.test(path) : false;
    }
  }
}

/** A compiled pattern list answering "is this context path excluded?". */
export class DockerignoreMatcher {
  private readonly compiled: CompiledPattern[];

  constructor(patterns: IgnorePattern[]) {
    this.compiled = patterns.map((p) => new CompiledPattern(p.pattern, p.exclusion));
  }

  static fromText(text: string): DockerignoreMatcher {
    return new DockerignoreMatcher(parseDockerignore(text).patterns);
  }

  get hasExclusions(): boolean {
    return this.compiled.some((p) => p.exclusion);
  }

  /** MatchesOrParentMatches: the path or one of its parent directories is excluded, and no
   * later `!` pattern re-includes it. The context root (`.`) is never excluded. */
  matches(path: string): boolean {
    const file = contextPath(path);
    if (file === '.') return false;
    const slash = file.lastIndexOf('/');
    const parentDirs = slash === -1 ? [] : file.slice(0, slash).split('/');
    let matched = false;
    for (const p of this.compiled) {
      if (p.exclusion !== matched) continue;
      let match = p.match(file);
      if (!match) {
        for (let i = 0; i < parentDirs.length && !match; i++) match = p.match(parentDirs.slice(0, i + 1).join('/'));
      }
      if (match) matched = !p.exclusion;
    }
    return matched;
  }

  /** MatchesExact: only the path itself, no parent matching. */
  matchesExact(path: string): boolean {
    const file = contextPath(path);
    let matched = false;
    for (const p of this.compiled) {
      if (p.exclusion !== matched) continue;
      if (p.match(file)) matched = !p.exclusion;
    }
    return matched;
  }
}
