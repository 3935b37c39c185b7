// Matching helpers for the `filters` query parameter (images, events, prune).
import { familiarName, familiarString, parseReference } from '../image';
import { badRequest } from './errors';

/**
 * Go's path.Match as a RegExp: `*` and `?` never cross `/`, `[...]` classes (with `^`/`!` negation).
 * Docker matches reference filters with it (distribution/reference FamiliarMatch).
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) throw badRequest(`invalid reference filter pattern: ${pattern}`);
      let cls = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
      if (cls[0] === '!' || cls[0] === '^') cls = `^${cls.slice(1)}`;
      re += `[${cls}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Docker's reference filter: the pattern matches the familiar `name:tag` or the familiar name alone. */
export function referenceMatches(pattern: string, ref: string): boolean {
  const re = globToRegExp(pattern);
  try {
    const r = parseReference(ref);
    return re.test(familiarString(r)) || re.test(familiarName(r));
  } catch {
    return false;
  }
}

/** `label=key` or `label=key=value` against a label map; every given label must match. */
export function labelsMatch(wanted: string[] | undefined, labels: Record<string, string> | undefined): boolean {
  if (!wanted?.length) return true;
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    if (eq === -1) return labels !== undefined && w in labels;
    return labels?.[w.slice(0, eq)] === w.slice(eq + 1);
  });
}

/** `label!=…` filters of prune: none of them may match. */
export function labelsExclude(unwanted: string[] | undefined, labels: Record<string, string> | undefined): boolean {
  return !unwanted?.length || unwanted.every((w) => !labelsMatch([w], labels));
}

/** A timestamp filter value (`until`, `since`): unix seconds (with fraction), RFC 3339, or a Go duration ago. */
export function parseTimestamp(value: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const dur = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(value);
  if (dur) {
    const unit = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 }[dur[2]]!;
    return now - Number(dur[1]) * unit;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw badRequest(`invalid timestamp: ${value}`);
  return t;
}

/** The only true/false values Docker accepts for boolean filters such as `dangling`. */
export function boolFilter(name: string, values: string[] | undefined): boolean | undefined {
  if (!values?.length) return undefined;
  const v = values[values.length - 1].toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badRequest(`invalid filter '${name}=${values[values.length - 1]}'`);
}

/** Rejects filter keys a route does not know, with Docker's message. */
export function checkFilterKeys(filters: Map<string, string[]>, allowed: string[]): void {
  for (const k of filters.keys()) if (!allowed.includes(k)) throw badRequest(`invalid filter '${k}'`);
}
