// The rule catalogue as data: unique codes, a description and docs link each, BuildKit links for checks,
// hadolint links (with the DL number in the description) for best practices, and one rule per file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rules } from '../../../engine/dockerfile/lint';

describe('lint: rule catalogue', () => {
  it('has unique codes, a description and a docs link for every rule', () => {
    assert.equal(new Set(rules.map((r) => r.code)).size, rules.length);
    for (const r of rules) {
      assert.match(r.code, /^[A-Z][A-Za-z]+$/, r.code);
      assert.ok(r.description.length > 10, r.code);
      assert.match(r.docs ?? '', /^https:\/\//, r.code);
    }
  });

  it('links BuildKit checks to their docs page and best practices to hadolint', () => {
    const casing = rules.find((r) => r.code === 'ConsistentInstructionCasing')!;
    assert.equal(casing.docs, 'https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/');
    assert.equal(rules.find((r) => r.code === 'JSONArgsRecommended')!.docs, 'https://docs.docker.com/go/dockerfile/rule/json-args-recommended/');
    for (const r of rules.filter((x) => x.ruleClass === 'check')) assert.match(r.docs!, /^https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/[a-z-]+\/$/, r.code);
    for (const r of rules.filter((x) => x.ruleClass === 'practice')) {
      const dl = /hadolint (DL\d{4})/.exec(r.description)?.[1];
      assert.ok(dl, r.code);
      assert.equal(r.docs, `https://github.com/hadolint/hadolint/wiki/${dl}`);
    }
  });

  it('covers the 20 statically decidable BuildKit checks', () => {
    const codes = new Set(rules.map((r) => r.code));
    for (const code of ['StageNameCasing', 'FromAsCasing', 'NoEmptyContinuation', 'ConsistentInstructionCasing', 'DuplicateStageName',
      'ReservedStageName', 'JSONArgsRecommended', 'MaintainerDeprecated', 'UndefinedArgInFrom', 'WorkdirRelativePath', 'UndefinedVar',
      'MultipleInstructionsDisallowed', 'LegacyKeyValueFormat', 'RedundantTargetPlatform', 'SecretsUsedInArgOrEnv', 'InvalidDefaultArgInFrom',
      'FromPlatformFlagConstDisallowed', 'CopyIgnoredFile', 'ExposeProtoCasing', 'ExposeInvalidFormat']) {
      assert.ok(codes.has(code), code);
    }
  });

  it('keeps the noisy rules off by default', () => {
    for (const code of ['AptGetPinVersions', 'ConsecutiveRun']) assert.equal(rules.find((r) => r.code === code)!.defaultSeverity, 'off');
  });

  it('has one file per rule, named after its code', () => {
    const dir = path.resolve(__dirname, '../../../engine/dockerfile/lint/rules');
    const files = fs.readdirSync(dir).filter((f) => f !== 'index.ts').map((f) => f.replace(/\.ts$/, '')).sort();
    assert.deepEqual(files, rules.map((r) => (r.code === 'ParseError' ? 'ParseProblems' : r.code)).sort());
  });
});
