// Valid modern Dockerfiles produce no diagnostic at all: heredocs, every modern flag, every expansion
// modifier, the Windows escape directive, cache/secret/ssh mounts, per-instruction check comments.
import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile';
import { lint } from '../../../engine/dockerfile/lint';

const modern = [
  '# syntax=docker/dockerfile:1',
  '# check=error=true',
  'ARG GO_VERSION=1.22',
  'ARG ALPINE=3.20',
  'FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine${ALPINE} AS build',
  'ARG TARGETOS',
  'ARG TARGETARCH',
  'WORKDIR /src',
  'ENV CGO_ENABLED=0 \\',
  '    GOFLAGS=-trimpath',
  'RUN --mount=type=cache,target=/root/.cache/go-build,sharing=locked \\',
  '    --mount=type=cache,target=/go/pkg/mod \\',
  '    --mount=type=bind,source=go.mod,target=go.mod \\',
  '    --mount=type=secret,id=netrc,target=/root/.netrc,required=true \\',
  '    --mount=type=ssh \\',
  '    --network=default \\',
  '    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ./cmd/app',
  'RUN <<EOF',
  'set -e',
  'echo "${HOME}" > /tmp/home',
  'EOF',
  'COPY <<-"CONF" /etc/app.conf',
  '\tname=${NAME}',
  '\tCONF',
  'ARG VERSION=dev',
  'ENV VERSION_MAJOR=${VERSION%%.*} VERSION_REST=${VERSION#*.} SAFE=${VERSION//./-} \\',
  '    TAG=${VERSION:-latest} SUFFIX=${VERSION:+-${VERSION}} ALT=${VERSION-x} PLUS=${VERSION+y} FIRST=${VERSION/v/} END=${VERSION%.*} HEAD=${VERSION##v}',
  '',
  'FROM alpine:${ALPINE} AS runtime',
  'RUN apk add --no-cache ca-certificates',
  'COPY --from=build --chmod=0755 --link /out/app /usr/local/bin/app',
  'COPY --parents --exclude=*.md ./docs/ /usr/share/doc/app/',
  `ADD --checksum=sha256:${'a'.repeat(64)} https://example.org/data.tar.gz /data/`,
  'ADD --keep-git-dir=true https://github.com/example/repo.git /repo',
  '# check=skip=SecretsUsedInArgOrEnv',
  'ARG API_TOKEN=none',
  'EXPOSE 8080/tcp 8443',
  'HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --start-interval=2s --retries=3 \\',
  '    CMD ["wget", "-qO-", "http://localhost:8080/health"]',
  'STOPSIGNAL SIGTERM',
  'USER 65532:65532',
  'ENTRYPOINT ["/usr/local/bin/app"]',
  'CMD ["serve"]',
  '',
].join('\n');

const windows = [
  '# escape=`',
  'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
  'SHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]',
  'WORKDIR C:\\app',
  'COPY app.exe C:\\app\\',
  'RUN Write-Host hello; `',
  '    Get-ChildItem C:\\app',
  'ENTRYPOINT ["C:\\\\app\\\\app.exe"]',
  '',
].join('\n');

describe('lint: valid modern Dockerfiles', () => {
  it('reports nothing on a modern BuildKit Dockerfile', () => {
    assert.deepEqual(lint(parseDockerfile(modern)).map((p) => `${p.range.start.line + 1} ${p.code}: ${p.message}`), []);
  });

  it('reports nothing on a Windows Dockerfile with the backtick escape', () => {
    assert.deepEqual(lint(parseDockerfile(windows)).map((p) => `${p.range.start.line + 1} ${p.code}: ${p.message}`), []);
  });
});
