import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseDockerfile, type DockerfileModel } from '../../../engine/dockerfile';
import { ParsedDocuments } from '../../../server/documents';

describe('ParsedDocuments', () => {
  let parses: string[];
  const counting = (text: string): DockerfileModel => {
    parses.push(text);
    return parseDockerfile(text);
  };
  beforeEach(() => { parses = []; });

  it('parses each document version exactly once', () => {
    const cache = new ParsedDocuments(counting);
    const doc = TextDocument.create('file:///a/Dockerfile', 'dockerfile', 1, 'FROM a\n');
    const first = cache.get(doc);
    assert.equal(cache.get(doc), first);
    assert.equal(cache.get(doc).model, first.model);
    TextDocument.update(doc, [{ range: { start: { line: 0, character: 5 }, end: { line: 0, character: 6 } }, text: 'b' }], 2);
    const second = cache.get(doc);
    assert.equal(second.version, 2);
    assert.equal(second.model.stages[0].from.image?.text, 'b');
    cache.get(doc);
    assert.deepEqual(parses, ['FROM a\n', 'FROM b\n']);
  });

  it('forgets closed documents, so a reopened one with the same version is parsed again', () => {
    const cache = new ParsedDocuments(counting);
    cache.get(TextDocument.create('file:///a/Dockerfile', 'dockerfile', 1, 'FROM a'));
    cache.delete('file:///a/Dockerfile');
    assert.equal(cache.get(TextDocument.create('file:///a/Dockerfile', 'dockerfile', 1, 'FROM c')).model.stages[0].from.image?.text, 'c');
    assert.equal(parses.length, 2);
  });
});
