import * as assert from 'node:assert/strict';
import { sha256Digest } from '../../../engine/image';
import { parseManifest, RegistryError } from '../../../engine/registry';

const D = `sha256:${'a'.repeat(64)}`;
const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D, size: 2 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D, size: 3 }] };
const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D, size: 4, platform: { os: 'linux', architecture: 'amd64' } }] };
const parse = (doc: object, contentType: string) => {
  const bytes = Buffer.from(JSON.stringify(doc));
  return parseManifest(bytes, contentType, sha256Digest(bytes), 'manifest for x');
};
const fails = (doc: object, contentType: string, kind: string, re: RegExp) =>
  assert.throws(() => parse(doc, contentType), (e: RegistryError) => e.kind === kind && re.test(e.message));

describe('manifest validation', () => {
  it('accepts OCI and Docker manifests and indexes, with or without mediaType in the body', () => {
    assert.equal(parse(manifest, 'application/vnd.oci.image.manifest.v1+json').isIndex, false);
    assert.equal(parse(index, 'application/vnd.oci.image.index.v1+json').isIndex, true);
    const { mediaType: _m, ...bare } = manifest;
    assert.equal(parse(bare, 'application/vnd.docker.distribution.manifest.v2+json').mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    const { mediaType: _i, ...bareIndex } = index;
    assert.equal(parse(bareIndex, 'application/json').isIndex, true);
    assert.equal(parse({ ...index, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' }, 'application/vnd.docker.distribution.manifest.list.v2+json').isIndex, true);
  });
  it('rejects ambiguous documents (CVE-2021-41190) and a mediaType that disagrees with Content-Type', () => {
    fails({ ...manifest, manifests: index.manifests }, 'application/vnd.oci.image.manifest.v1+json', 'invalid', /ambiguous/);
    fails({ ...index, config: manifest.config }, 'application/vnd.oci.image.index.v1+json', 'invalid', /ambiguous/);
    fails(manifest, 'application/vnd.oci.image.index.v1+json', 'invalid', /does not match Content-Type/);
    fails({ ...index, mediaType: undefined, manifests: undefined, layers: [] }, 'application/vnd.oci.image.index.v1+json', 'invalid', /malformed/);
  });
  it('rejects schema1 and unknown media types', () => {
    fails({ schemaVersion: 1, name: 'x', fsLayers: [] }, 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'unsupportedMediaType', /schema 1 are not supported/);
    fails({ ...manifest, mediaType: 'application/vnd.example+json' }, 'application/vnd.example+json', 'unsupportedMediaType', /unsupported manifest media type application\/vnd.example\+json/);
  });
  it('rejects descriptors with invalid digests or sizes before they reach a path', () => {
    fails({ ...manifest, layers: [{ ...manifest.layers[0], digest: 'sha256:../../etc/passwd' }] }, 'application/vnd.oci.image.manifest.v1+json', 'invalid', /invalid descriptor/);
    fails({ ...manifest, config: { ...manifest.config, size: -1 } }, 'application/vnd.oci.image.manifest.v1+json', 'invalid', /invalid descriptor/);
    fails({ ...index, manifests: [{ ...index.manifests[0], digest: `sha512:${'a'.repeat(128)}` }] }, 'application/vnd.oci.image.index.v1+json', 'invalid', /invalid descriptor/);
  });
});
