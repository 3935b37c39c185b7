// Enforces the dependency rules of docs/ARCHITECTURE.md ("Who may import whom").
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|cts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

/** Every module specifier a file imports (static, dynamic, require, export from). */
export function importsOf(text: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...text.matchAll(re)].map((m) => m[1]);
}

/** The area a repo-relative path belongs to: client, server, engine/<part>, or other. */
function areaOf(rel: string): string {
  const parts = rel.split(path.sep);
  if (parts[0] === 'engine') return parts.length >= 2 ? `engine/${parts[1].replace(/\.(ts|js)$/, '')}` : 'engine';
  return parts[0];
}

type Rule = { from: (area: string, rel: string) => boolean; forbid: (target: string, spec: string) => boolean; why: string };
const editorPackages = /^(vscode|vscode-languageserver|vscode-languageclient|vscode-jsonrpc)(\/|$)/;

const rules: Rule[] = [
  { from: (a) => a.startsWith('engine'), forbid: (t, s) => t === 'client' || t === 'server' || editorPackages.test(s),
    why: 'engine/ imports no editor package and never client/ or server/' },
  { from: (a) => a === 'engine/dockerfile', forbid: (t) => t.startsWith('engine') && t !== 'engine/dockerfile',
    why: 'engine/dockerfile is the shared model: it depends on no other engine part' },
  { from: (a) => a === 'server', forbid: (t, s) => t === 'client' || (t.startsWith('engine') && t !== 'engine/dockerfile') || /^vscode(\/|$)/.test(s),
    why: 'server/ imports vscode-languageserver and engine/dockerfile only' },
  { from: (a) => a === 'client', forbid: (t, s) => t === 'server' || (t.startsWith('engine') && !s.includes('engine/api/client')),
    why: 'client/ reaches the engine only through the Engine API client (engine/api/client)' },
];

describe('architecture: who may import whom', () => {
  it('parses the import forms we use', () => {
    assert.deepEqual(importsOf(`import a from 'x';\nimport * as b from "../y";\nconst c = require('z');\nexport { d } from './w';\nimport 'side';\nawait import('dyn');`),
      ['x', '../y', 'z', './w', 'side', 'dyn']);
  });

  const files = ['client', 'server', 'engine'].flatMap(sourceFiles);
  it('every source file respects the dependency rules', () => {
    const violations: string[] = [];
    for (const rel of files) {
      const area = areaOf(rel);
      for (const spec of importsOf(fs.readFileSync(path.join(root, rel), 'utf8'))) {
        const target = spec.startsWith('.') ? areaOf(path.relative(root, path.resolve(root, path.dirname(rel), spec))) : 'package';
        for (const r of rules) {
          if (r.from(area, rel) && r.forbid(target, spec.startsWith('.') ? path.relative(root, path.resolve(root, path.dirname(rel), spec)) : spec)) {
            violations.push(`${rel} imports '${spec}': ${r.why}`);
          }
        }
      }
    }
    assert.deepEqual(violations, []);
  });

  it('detects a violation (the rules can fail)', () => {
    const r = rules[0];
    assert.ok(r.from('engine/image', 'engine/image/x.ts') && r.forbid('package', 'vscode'));
    assert.ok(rules[2].forbid('engine/image', 'engine/image/store'));
  });
});
