// Table-driven rule tests: each rule gets valid examples (the rule stays silent) and invalid ones
// (code, severity, exact range, message, and the text after applying the rule's first fix).
import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile';
import { lint, rules, type LintOptions, type LintProblem, type TextEdit } from '../../../engine/dockerfile/lint';

export interface InvalidCase {
  text: string;
  /** [startLine, startChar, endLine, endChar], 0-based. */
  range: [number, number, number, number];
  severity?: LintProblem['severity'];
  message?: RegExp;
  /** Text after applying the first fix; omit when the rule offers no fix of its own. */
  fixed?: string;
  options?: LintOptions;
}

export interface RuleTable {
  valid: (string | { text: string; options?: LintOptions })[];
  invalid: InvalidCase[];
}

export function problemsOf(text: string, code: string, options?: LintOptions): LintProblem[] {
  return lint(parseDockerfile(text), options).filter((p) => p.code === code);
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => {
    let o = 0;
    for (let l = 0; l < p.line && l < lines.length; l++) o += lines[l].length + 1;
    return Math.min(o + p.character, text.length);
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** Registers mocha tests for one rule. `code` may be a sub-code the rule reports (e.g. InvalidProtocol). */
export function ruleTable(code: string, table: RuleTable, ruleCode = code): void {
  describe(code, () => {
    it('is a registered rule', () => {
      assert.ok(rules.some((r) => r.code === ruleCode), `no rule ${ruleCode}`);
    });
    table.valid.forEach((v, n) => {
      const { text, options } = typeof v === 'string' ? { text: v, options: undefined } : v;
      it(`accepts valid example ${n + 1}`, () => {
        assert.deepEqual(problemsOf(text, code, options).map((p) => p.message), []);
      });
    });
    table.invalid.forEach((c, n) => {
      it(`reports invalid example ${n + 1}`, () => {
        const found = problemsOf(c.text, code, c.options);
        assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(found.map((p) => p.message))}`);
        const p = found[0];
        const rule = rules.find((r) => r.code === ruleCode)!;
        const expectedSeverity = c.severity ?? (rule.ruleClass === 'build' ? 'error' : rule.ruleClass === 'check' ? 'warning' : 'information');
        assert.equal(p.severity, expectedSeverity);
        assert.deepEqual([p.range.start.line, p.range.start.character, p.range.end.line, p.range.end.character], c.range);
        if (c.message) assert.match(p.message, c.message);
        const own = p.fixes.filter((f) => !f.title.includes('# check=skip'));
        if (c.fixed === undefined) {
          assert.equal(own.length, 0, `unexpected fix ${own[0]?.title}`);
        } else {
          assert.ok(own.length > 0, 'expected a fix');
          assert.equal(applyEdits(c.text, own[0].edits), c.fixed);
        }
      });
    });
  });
}
