import * as assert from 'node:assert/strict';
import {
  DIRECTIVES, INSTRUCTIONS, INSTRUCTION_NAMES, MOUNT_KEYS, flagSpec, instructionSpec, mountKeySpec, mountTypeSpec,
} from '../../../engine/dockerfile/index';

describe('dockerfile/spec: instruction metadata', () => {
  it('describes all 18 instructions with docs, links and unique flags', () => {
    assert.equal(INSTRUCTION_NAMES.length, 18);
    for (const name of INSTRUCTION_NAMES) {
      const s = INSTRUCTIONS[name];
      assert.equal(s.name, name);
      assert.ok(s.doc.length > 20 && s.link.startsWith('https://docs.docker.com/'), name);
      assert.ok(s.usage.length > 0, name);
      const flags = s.flags.map((f) => f.name);
      assert.equal(new Set(flags).size, flags.length, name);
      if (s.maxArgs !== undefined) assert.ok(s.maxArgs >= s.minArgs, name);
    }
  });

  it('knows modern flags with types and syntax versions', () => {
    assert.equal(flagSpec('copy', 'parents')?.type, 'bool');
    assert.equal(flagSpec('COPY', 'exclude')?.repeatable, true);
    assert.equal(flagSpec('ADD', 'unpack')?.minSyntax, '1.17');
    assert.deepEqual(flagSpec('RUN', 'network')?.values, ['default', 'none', 'host']);
    assert.deepEqual(flagSpec('RUN', 'security')?.values, ['sandbox', 'insecure']);
    assert.equal(flagSpec('HEALTHCHECK', 'start-interval')?.type, 'duration');
    assert.equal(flagSpec('FROM', 'platform')?.type, 'platform');
    assert.equal(flagSpec('ADD', 'from'), undefined);
    assert.equal(instructionSpec('shell')?.form, 'json');
    assert.equal(instructionSpec('nope'), undefined);
  });

  it('lists mount types, their keys and aliases', () => {
    assert.equal(mountTypeSpec('CACHE')?.type, 'cache');
    assert.equal(mountKeySpec('bind', 'dst')?.name, 'target');
    assert.deepEqual(mountKeySpec('cache', 'sharing')?.values, ['shared', 'private', 'locked']);
    assert.equal(mountKeySpec('secret', 'env')?.minSyntax, '1.10');
    assert.equal(mountKeySpec('tmpfs', 'sharing'), undefined);
    for (const k of ['type', 'target', 'dst', 'destination', 'source', 'src', 'from', 'rw', 'readwrite', 'ro', 'readonly', 'id', 'sharing', 'mode', 'uid', 'gid', 'size', 'env', 'required']) {
      assert.ok(MOUNT_KEYS.has(k), k);
    }
  });

  it('lists the parser directives', () => {
    assert.deepEqual(DIRECTIVES.map((d) => d.name), ['syntax', 'escape', 'check']);
  });
});
