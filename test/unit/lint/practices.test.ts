// Best-practice rules (hadolint-derived): information by default, some off by default.
import { ruleTable } from './table';

const on = (code: string) => ({ severities: { [code]: 'information' as const } });

describe('lint: best practices', () => {
  ruleTable('AptGetNoInstallRecommends', {
    valid: ['FROM debian\nRUN apt-get install -y --no-install-recommends curl\n'],
    invalid: [{ text: 'FROM debian\nRUN apt-get install -y curl\n', range: [1, 4, 1, 19], fixed: 'FROM debian\nRUN apt-get install --no-install-recommends -y curl\n' }],
  });

  ruleTable('AptGetMissingYes', {
    valid: ['FROM debian\nRUN apt-get install -yq curl\n', 'FROM debian\nRUN apt-get -qq install curl\n'],
    invalid: [{ text: 'FROM debian\nRUN apt-get install --no-install-recommends curl\n', range: [1, 4, 1, 19], fixed: 'FROM debian\nRUN apt-get install -y --no-install-recommends curl\n' }],
  });

  ruleTable('AptGetPinVersions', {
    valid: [{ text: 'FROM debian\nRUN apt-get install -y curl=7.88\n', options: on('AptGetPinVersions') }, 'FROM debian\nRUN apt-get install -y curl\n'],
    invalid: [{ text: 'FROM debian\nRUN apt-get install -y curl\n', range: [1, 23, 1, 27], options: on('AptGetPinVersions'), severity: 'information' }],
  });

  ruleTable('AptListsNotCleaned', {
    valid: [
      'FROM debian\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n',
      'FROM debian\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y x\n',
      'FROM debian AS build\nRUN apt-get install -y x\nFROM scratch\n',
    ],
    invalid: [{ text: 'FROM debian\nRUN apt-get update && apt-get install -y x\n', range: [1, 22, 1, 37] }],
  });

  ruleTable('AptInsteadOfAptGet', {
    valid: ['FROM debian\nRUN apt-get install -y x && apt-cache policy x\n'],
    invalid: [{ text: 'FROM debian\nRUN apt install -y x\n', range: [1, 4, 1, 7], fixed: 'FROM debian\nRUN apt-get install -y x\n' }],
  });

  ruleTable('UseWorkdirNotCd', {
    valid: ['FROM alpine\nWORKDIR /src\nRUN make\n', 'FROM alpine\nRUN echo cd\n'],
    invalid: [{ text: 'FROM alpine\nRUN cd /src && make\n', range: [1, 4, 1, 6], message: /WORKDIR \/src/ }],
  });

  ruleTable('PipefailMissing', {
    valid: [
      'FROM alpine\nRUN a || b\n',
      'FROM debian\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\n',
      'FROM debian\nRUN set -o pipefail && a | b\n',
      'FROM debian\nRUN echo "a|b"\n',
      'FROM mcr.microsoft.com/windows\nSHELL ["powershell", "-Command"]\nRUN a | b\n',
    ],
    invalid: [{ text: 'FROM debian\nRUN curl x | sh\n', range: [1, 11, 1, 12] }],
  });

  ruleTable('LastUserRoot', {
    valid: ['FROM alpine\nUSER root\nRUN x\nUSER app\n', 'FROM alpine AS b\nUSER root\nFROM alpine\n'],
    invalid: [{ text: 'FROM alpine\nUSER app\nUSER root:root\n', range: [2, 5, 2, 14] }],
  });

  ruleTable('AddInsteadOfCopy', {
    valid: ['FROM alpine\nADD https://example.org/a.txt /a\nADD app.tar.gz /opt/\nADD --checksum=sha256:0123 x /\n'],
    invalid: [{ text: 'FROM alpine\nADD src /src\n', range: [1, 0, 1, 3], fixed: 'FROM alpine\nCOPY src /src\n' }],
  });

  ruleTable('SudoInRun', {
    valid: ['FROM alpine\nRUN echo pseudo\n'],
    invalid: [{ text: 'FROM alpine\nRUN sudo make install\n', range: [1, 4, 1, 8] }],
  });

  ruleTable('PipNoCacheDir', {
    valid: [
      'FROM python\nRUN pip install --no-cache-dir x\n',
      'FROM python\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n',
      'FROM python\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n',
    ],
    invalid: [{ text: 'FROM python\nRUN pip install -r req.txt\n', range: [1, 4, 1, 15], fixed: 'FROM python\nRUN pip install --no-cache-dir -r req.txt\n' }],
  });

  ruleTable('ApkNoCache', {
    valid: ['FROM alpine\nRUN apk add --no-cache curl\n', 'FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n'],
    invalid: [{ text: 'FROM alpine\nRUN apk add curl\n', range: [1, 4, 1, 11], fixed: 'FROM alpine\nRUN apk add --no-cache curl\n' }],
  });

  ruleTable('ConsecutiveRun', {
    valid: ['FROM alpine\nRUN a\nRUN b\n', { text: 'FROM alpine\nRUN a\nCOPY x /\nRUN b\n', options: on('ConsecutiveRun') }],
    invalid: [{ text: 'FROM alpine\nRUN a\nRUN b\n', range: [2, 0, 2, 3], options: on('ConsecutiveRun'), severity: 'information' }],
  });
});

describe('lint: base image best practices', () => {
  ruleTable('BaseImageUntagged', {
    valid: ['FROM alpine:3.20\nFROM scratch\n', 'FROM alpine:3 AS base\nFROM base\n', 'ARG IMG=alpine:3\nFROM $IMG\n', 'FROM alpine@sha256:' + 'a'.repeat(64) + '\n'],
    invalid: [{ text: 'ARG IMG=alpine\nFROM ${IMG}\n', range: [1, 5, 1, 11] }, { text: 'FROM debian\n', range: [0, 5, 0, 11], message: /no tag/ }],
  });

  ruleTable('BaseImageLatest', {
    valid: ['FROM alpine:3.20\n'],
    invalid: [{ text: 'FROM alpine:latest\n', range: [0, 12, 0, 18] }],
  });
});
