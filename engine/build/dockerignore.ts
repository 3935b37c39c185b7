/**
 * The builder's view of `.dockerignore` and `COPY --exclude`, on top of the shared matcher in
 * engine/dockerfile (moby/patternmatcher semantics): `matches` for a context path, and the docker
 * CLI's rule for walking into an excluded directory (only when an exception pattern starts with
 * that directory's path).
 */
import { contextPath, DockerignoreMatcher, parseDockerignore, type IgnorePattern } from '../dockerfile';

export class IgnoreMatcher {
  private readonly matcher: DockerignoreMatcher;
  private readonly exceptions: string[];

  private constructor(readonly patterns: IgnorePattern[]) {
    this.matcher = new DockerignoreMatcher(patterns);
    this.exceptions = patterns.filter((p) => p.exclusion).map((p) => p.pattern);
  }

  /** An ignore file; invalid patterns fail the build like Docker's. */
  static fromFile(text: string): IgnoreMatcher {
    const r = parseDockerignore(text);
    if (r.errors.length) throw new Error(`failed to parse .dockerignore: line ${r.errors[0].line + 1}: ${r.errors[0].message}`);
    return new IgnoreMatcher(r.patterns);
  }

  /** A matcher of `patterns` (as another matcher's `patterns`: they cross to a worker thread as data). */
  static of(patterns: IgnorePattern[]): IgnoreMatcher {
    return new IgnoreMatcher(patterns);
  }

  /** `--exclude` patterns. */
  static fromPatterns(patterns: string[]): IgnoreMatcher {
    return new IgnoreMatcher(patterns.map((p, line) => ({ pattern: contextPath(p), exclusion: false, line })));
  }

  /** Whether the context-relative path `rel` is excluded. */
  matches(rel: string): boolean {
    return this.matcher.matches(rel);
  }

  /** An excluded directory is still walked when an exception pattern lies below it. */
  mayContainExceptions(dirRel: string): boolean {
    return this.exceptions.some((p) => `${p}/`.startsWith(`${dirRel}/`));
  }
}
