import * as assert from 'node:assert/strict';
import type { Descriptor } from '../../../engine/image';
import { normalizePlatform, parsePlatform, selectManifest } from '../../../engine/registry';

const d = (n: number, architecture: string, variant?: string, os = 'linux'): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${String(n).repeat(64).slice(0, 64)}`, size: 1, platform: { os, architecture, variant },
});

describe('platform selection from an index', () => {
  const index = [d(1, 'amd64'), d(2, 'arm', 'v6'), d(3, 'arm', 'v7'), d(4, 'arm64', 'v8'), d(5, 'unknown', undefined, 'unknown'), d(6, '386'), d(7, 'amd64', undefined, 'windows')];
  const cases: Array<[string, number | undefined]> = [
    ['linux/amd64', 1], ['linux/arm64', 4], ['linux/arm64/v8', 4], ['linux/arm/v7', 3], ['linux/arm', 3], ['linux/arm/v6', 2], ['linux/386', 6],
    ['windows/amd64', 7], ['linux/s390x', undefined], ['linux/arm/v5', undefined],
  ];
  for (const [want, n] of cases) {
    it(`${want} → ${n ?? 'none'}`, () => {
      assert.equal(selectManifest(index, parsePlatform(want))?.digest, n === undefined ? undefined : d(n, 'x').digest);
    });
  }
  it('falls back like Docker: arm64 runs arm/v7, arm/v7 runs v6, amd64 runs 386, variant-less arm64 entries match v8', () => {
    assert.equal(selectManifest([d(3, 'arm', 'v7')], parsePlatform('linux/arm64'))?.digest, d(3, 'x').digest);
    assert.equal(selectManifest([d(2, 'arm', 'v6')], parsePlatform('linux/arm/v7'))?.digest, d(2, 'x').digest);
    assert.equal(selectManifest([d(6, '386')], parsePlatform('linux/amd64'))?.digest, d(6, 'x').digest);
    assert.equal(selectManifest([d(4, 'arm64')], parsePlatform('linux/arm64/v8'))?.digest, d(4, 'x').digest);
    assert.equal(selectManifest([d(1, 'amd64', 'v1')], parsePlatform('linux/amd64'))?.digest, d(1, 'x').digest);
    assert.equal(selectManifest([d(3, 'arm', 'v7'), d(4, 'arm64')], parsePlatform('linux/arm64'))?.digest, d(4, 'x').digest);
  });
  it('normalizes aliases', () => {
    assert.deepEqual(normalizePlatform({ os: 'Linux', architecture: 'x86_64' }), { os: 'linux', architecture: 'amd64', variant: undefined });
    assert.deepEqual(normalizePlatform({ os: 'linux', architecture: 'aarch64' }), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.throws(() => parsePlatform('a/b/c/d'), /invalid platform/);
  });
});
