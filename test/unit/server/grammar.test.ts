// Tokenizes Dockerfile and .dockerignore snippets with the real TextMate engine VS Code uses
// (vscode-textmate + oniguruma) and checks the scopes our grammars assign.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { parseDockerfile } from '../../../engine/dockerfile';

const syntaxes = path.resolve(__dirname, '../../../syntaxes');
const shellStub = { scopeName: 'source.shell', patterns: [{ match: '\\becho\\b', name: 'support.function.builtin.shell' }] };

async function loadGrammar(file: string, scopeName: string): Promise<textmate.IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      if (scope === scopeName) return textmate.parseRawGrammar(fs.readFileSync(path.join(syntaxes, file), 'utf8'), path.join(syntaxes, file));
      // A one-rule stand-in for VS Code's shell grammar, to see that heredoc bodies embed it.
      if (scope === 'source.shell') return textmate.parseRawGrammar(JSON.stringify(shellStub), 'shell.json');
      return null;
    },
  });
  const grammar = await registry.loadGrammar(scopeName);
  if (!grammar) throw new Error(`grammar ${scopeName} did not load`);
  return grammar;
}

/** Every token of `text` as [line, token text, innermost scopes joined]. */
function tokenize(grammar: textmate.IGrammar, text: string): { line: number; text: string; scopes: string[] }[] {
  let state = textmate.INITIAL;
  const out: { line: number; text: string; scopes: string[] }[] = [];
  text.split('\n').forEach((line, i) => {
    const result = grammar.tokenizeLine(line, state);
    for (const t of result.tokens) out.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = result.ruleStack;
  });
  return out;
}

function scopeOf(tokens: ReturnType<typeof tokenize>, line: number, text: string): string[] {
  const token = tokens.find((t) => t.line === line && t.text === text);
  assert.ok(token, `no token "${text}" on line ${line}: ${JSON.stringify(tokens.filter((t) => t.line === line).map((t) => t.text))}`);
  return token.scopes;
}

describe('syntaxes/dockerfile.tmLanguage.json', () => {
  let grammar: textmate.IGrammar;
  before(async () => { grammar = await loadGrammar('dockerfile.tmLanguage.json', 'source.dockerfile'); });

  it('scopes directives, comments, instructions, stage names and flags', () => {
    const tokens = tokenize(grammar, [
      '# syntax=docker/dockerfile:1',
      '# a comment',
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
      'run --mount=type=cache,target=/root/.cache go build',
    ].join('\n'));
    assert.ok(scopeOf(tokens, 0, 'syntax').includes('keyword.control.directive.dockerfile'));
    assert.ok(scopeOf(tokens, 0, 'docker/dockerfile:1').includes('string.unquoted.directive.dockerfile'));
    assert.ok(scopeOf(tokens, 1, ' a comment').includes('comment.line.number-sign.dockerfile'));
    assert.ok(scopeOf(tokens, 2, 'FROM').includes('keyword.other.special-method.dockerfile'));
    assert.ok(scopeOf(tokens, 2, 'platform').includes('variable.parameter.flag.dockerfile'));
    assert.ok(scopeOf(tokens, 2, 'BUILDPLATFORM').includes('variable.other.normal.dockerfile'));
    assert.ok(scopeOf(tokens, 2, 'golang:1.22').includes('entity.name.type.image.dockerfile'));
    assert.ok(scopeOf(tokens, 2, 'AS').includes('keyword.other.special-method.dockerfile'));
    assert.ok(scopeOf(tokens, 2, 'build').includes('entity.name.type.stage.dockerfile'));
    assert.ok(scopeOf(tokens, 3, 'run').includes('keyword.other.special-method.dockerfile'));
    assert.ok(scopeOf(tokens, 3, 'mount').includes('variable.parameter.flag.dockerfile'));
  });

  it('scopes variables with modifiers and strings, and continuation escapes', () => {
    const tokens = tokenize(grammar, [
      'ENV A="x ${B:-y}" C=\'$lit\' \\',
      '    D=${E%%.*}',
    ].join('\n'));
    assert.ok(scopeOf(tokens, 0, 'B').includes('variable.other.readwrite.dockerfile'));
    assert.ok(scopeOf(tokens, 0, ':-').includes('keyword.operator.expansion.dockerfile'));
    assert.ok(scopeOf(tokens, 0, 'B').includes('string.quoted.double.dockerfile'));
    assert.ok(scopeOf(tokens, 0, '$lit').includes('string.quoted.single.dockerfile'));
    assert.ok(!scopeOf(tokens, 0, '$lit').some((s) => s.startsWith('variable')), 'no expansion in single quotes');
    assert.ok(scopeOf(tokens, 0, '\\').includes('constant.character.escape.line-continuation.dockerfile'));
    assert.ok(scopeOf(tokens, 1, '%%').includes('keyword.operator.expansion.dockerfile'));
  });

  it('embeds heredoc bodies as shell and resumes Dockerfile scopes after the delimiter', () => {
    const tokens = tokenize(grammar, [
      'RUN <<EOF bash',
      'FROM not-an-instruction; echo',
      'EOF',
      'COPY <<-"END" /etc/x',
      '\tbody',
      '\tEND',
      'WORKDIR /app',
    ].join('\n'));
    assert.ok(scopeOf(tokens, 0, '<<').includes('keyword.operator.heredoc.dockerfile'));
    assert.ok(scopeOf(tokens, 0, 'EOF').includes('entity.name.tag.heredoc.dockerfile'));
    assert.ok(scopeOf(tokens, 1, 'FROM not-an-instruction; ').includes('meta.embedded.block.shellscript'));
    assert.ok(scopeOf(tokens, 1, 'echo').includes('support.function.builtin.shell'), 'the shell grammar is embedded');
    assert.ok(scopeOf(tokens, 2, 'EOF').includes('entity.name.tag.heredoc.dockerfile'));
    assert.ok(scopeOf(tokens, 3, '<<-').includes('keyword.operator.heredoc.dockerfile'));
    assert.ok(scopeOf(tokens, 4, '\tbody').includes('meta.embedded.block.shellscript'));
    assert.ok(scopeOf(tokens, 5, 'END').includes('entity.name.tag.heredoc.dockerfile'));
    assert.ok(scopeOf(tokens, 6, 'WORKDIR').includes('keyword.other.special-method.dockerfile'));
    assert.ok(!scopeOf(tokens, 6, 'WORKDIR').includes('meta.embedded.block.shellscript'));
  });

  it('embeds the bodies of several heredocs on one line up to the last terminator', () => {
    const tokens = tokenize(grammar, 'COPY <<one <<two /dst/\nfirst\none\nFROM not-an-instruction\ntwo\nUSER x');
    assert.ok(scopeOf(tokens, 0, 'one').includes('entity.name.tag.heredoc.dockerfile'));
    assert.ok(scopeOf(tokens, 3, 'FROM not-an-instruction').includes('meta.embedded.block.shellscript'));
    assert.ok(scopeOf(tokens, 4, 'two').includes('entity.name.tag.heredoc.dockerfile'));
    assert.ok(scopeOf(tokens, 5, 'USER').includes('keyword.other.special-method.dockerfile'));
  });

  it('does not take a here-string (<<<) or a shift (a<<b) for a heredoc', () => {
    const tokens = tokenize(grammar, 'RUN cat <<<word\nUSER root\nRUN echo $((a<<b))\nUSER nobody');
    assert.ok(scopeOf(tokens, 1, 'USER').includes('keyword.other.special-method.dockerfile'));
    assert.ok(scopeOf(tokens, 3, 'USER').includes('keyword.other.special-method.dockerfile'));
  });

  it('recognizes a heredoc with a file descriptor and after a continuation', () => {
    const tokens = tokenize(grammar, 'RUN --mount=type=cache,target=/c \\\n  3<<EOF cat /dev/fd/3\nbody\nEOF\nUSER x');
    assert.ok(scopeOf(tokens, 2, 'body').includes('meta.embedded.block.shellscript'));
    assert.ok(scopeOf(tokens, 4, 'USER').includes('keyword.other.special-method.dockerfile'));
  });
});

describe('syntaxes/dockerfile.tmLanguage.json on the corpus', function () {
  this.timeout(120_000);
  const corpus = path.resolve(__dirname, '../../../../shared/corpus');

  it('agrees with the parser on every instruction keyword and every heredoc body line', async () => {
    const grammar = await loadGrammar('dockerfile.tmLanguage.json', 'source.dockerfile');
    if (!fs.existsSync(corpus)) throw new Error(`corpus not found at ${corpus}`);
    const files = fs.readFileSync(path.join(corpus, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1).map((r) => path.join(corpus, r.split('\t')[0]));
    const mismatches: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const model = parseDockerfile(text);
      const bodyLines = new Set<number>();
      for (const i of model.instructions) {
        for (const h of i.heredocs) if (h.bodyRange) for (let l = h.bodyRange.start.line; l <= h.bodyRange.end.line; l++) bodyLines.add(l);
      }
      const keywordLines = new Set(model.instructions.map((i) => i.keywordRange.start.line));
      let state = textmate.INITIAL;
      text.split(/\r?\n/).forEach((line, i) => {
        const { tokens, ruleStack } = grammar.tokenizeLine(line, state);
        state = ruleStack;
        const where = `${path.relative(corpus, file)}:${i + 1}`;
        const embedded = line.trim() !== '' && tokens.every((t) => t.scopes.includes('meta.embedded.block.shellscript'))
          && !tokens.some((t) => t.scopes.includes('entity.name.tag.heredoc.dockerfile'));
        if (line.trim() !== '' && embedded !== bodyLines.has(i)) mismatches.push(`${where} heredoc body: grammar ${embedded}`);
        const indent = line.length - line.trimStart().length;
        const keyword = tokens.some((t) => t.startIndex === indent && t.scopes.includes('keyword.other.special-method.dockerfile'));
        if (keywordLines.has(i) && !keyword) mismatches.push(`${where} keyword not highlighted`);
      });
    }
    assert.deepEqual(mismatches.slice(0, 10), []);
  });
});

describe('syntaxes/ignore.tmLanguage.json', () => {
  it('scopes comments, negation and globs', async () => {
    const grammar = await loadGrammar('ignore.tmLanguage.json', 'source.dockerignore');
    const tokens = tokenize(grammar, '# comment\n!keep/**/*.md\nsrc/[a-c]?.txt');
    assert.ok(scopeOf(tokens, 0, ' comment').includes('comment.line.number-sign.dockerignore'));
    assert.ok(scopeOf(tokens, 1, '!').includes('keyword.operator.negation.dockerignore'));
    assert.ok(scopeOf(tokens, 1, '**').includes('keyword.operator.glob.globstar.dockerignore'));
    assert.ok(scopeOf(tokens, 2, '?').includes('keyword.operator.glob.wildcard.dockerignore'));
    assert.ok(scopeOf(tokens, 2, '[').includes('meta.character-class.dockerignore'));
  });
});

describe('syntaxes/language-configuration.json', () => {
  it('is valid JSON whose regular expressions compile', () => {
    const config = JSON.parse(fs.readFileSync(path.join(syntaxes, 'language-configuration.json'), 'utf8'));
    assert.equal(config.comments.lineComment, '#');
    const compile = (r: string | { pattern: string; flags?: string }) => typeof r === 'string' ? new RegExp(r) : new RegExp(r.pattern, r.flags);
    const rules = config.onEnterRules as { beforeText: string | { pattern: string; flags?: string }; previousLineText?: string }[];
    assert.ok(compile(rules[0].beforeText).test('run apt-get update && \\'), 'a continued instruction indents');
    assert.ok(!rules.slice(1).some((r) => r.previousLineText && new RegExp(r.previousLineText).test('FROM x')));
    for (const r of rules) compile(r.beforeText);
    new RegExp(config.wordPattern);
  });
});
