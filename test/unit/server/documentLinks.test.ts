import * as assert from 'node:assert/strict';
import { deepEqualRanges } from '../../harness/plainRanges';
import { parseDockerfile } from '../../../engine/dockerfile';
import { documentLinks, registryPage } from '../../../server/features/documentLinks';
import { range } from './helpers';

describe('documentLinks', () => {
  it('links FROM images to their registry pages, not stages, scratch or variables', () => {
    const model = parseDockerfile([
      'ARG V=1',
      'FROM node:20 AS build',
      'FROM build',
      'FROM scratch',
      'FROM alpine:$V',
      'FROM ghcr.io/owner/app@sha256:' + 'a'.repeat(64),
    ].join('\n'));
    deepEqualRanges(documentLinks(model), [
      { range: range(1, 5, 1, 12), target: 'https://hub.docker.com/_/node' },
      { range: range(5, 5, 5, 5 + 'ghcr.io/owner/app@sha256:'.length + 64), target: 'https://ghcr.io/owner/app' },
    ]);
  });

  it('maps registries by distribution\'s domain rule', () => {
    assert.equal(registryPage('nginx'), 'https://hub.docker.com/_/nginx');
    assert.equal(registryPage('docker.io/library/nginx:1'), 'https://hub.docker.com/_/nginx');
    assert.equal(registryPage('bitnami/redis:7'), 'https://hub.docker.com/r/bitnami/redis');
    assert.equal(registryPage('quay.io/prometheus/node-exporter'), 'https://quay.io/repository/prometheus/node-exporter');
    assert.equal(registryPage('mcr.microsoft.com/dotnet/sdk:8.0'), 'https://mcr.microsoft.com/artifact/mar/dotnet/sdk');
    assert.equal(registryPage('registry.example.com:5000/team/app:v1'), 'https://registry.example.com:5000/team/app');
    assert.equal(registryPage('Not A Reference'), undefined);
  });
});
