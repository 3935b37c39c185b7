// BuildKit build checks (warnings): one table per rule.
import { ruleTable } from './table';

describe('lint: BuildKit checks', () => {
  ruleTable('StageNameCasing', {
    valid: ['FROM alpine AS build\n', 'FROM alpine\n'],
    invalid: [{ text: 'FROM alpine AS Build\n', range: [0, 15, 0, 20], message: /'Build' should be lowercase/, fixed: 'FROM alpine AS build\n' }],
  });

  ruleTable('FromAsCasing', {
    valid: ['FROM alpine AS build\n', 'from alpine as build\n', 'From alpine as build\n'],
    invalid: [
      { text: 'FROM alpine as build\n', range: [0, 12, 0, 14], fixed: 'FROM alpine AS build\n' },
      { text: 'from alpine AS build\n', range: [0, 12, 0, 14], fixed: 'from alpine as build\n' },
    ],
  });

  ruleTable('NoEmptyContinuation', {
    valid: ['FROM alpine\nRUN echo a \\\n  b\n', 'FROM alpine\nRUN <<EOF\necho a \\\n\necho b\nEOF\n'],
    invalid: [{ text: 'FROM alpine\nRUN echo a \\\n\n  b\n', range: [2, 0, 2, 0], fixed: 'FROM alpine\nRUN echo a \\\n  b\n' }],
  });

  ruleTable('ConsistentInstructionCasing', {
    valid: ['FROM alpine\nRUN true\n', 'from alpine\nrun true\n'],
    invalid: [
      { text: 'FROM alpine\nrun true\nCMD x\n', range: [1, 0, 1, 3], message: /majority \(uppercase\)/, fixed: 'FROM alpine\nRUN true\nCMD x\n' },
      { text: 'from alpine\nRun true\nrun x\n', range: [1, 0, 1, 3], message: /lowercase/, fixed: 'from alpine\nrun true\nrun x\n' },
    ],
  });

  ruleTable('DuplicateStageName', {
    valid: ['FROM alpine AS a\nFROM alpine AS b\n'],
    invalid: [{ text: 'FROM alpine AS a\nFROM alpine AS A\n', range: [1, 15, 1, 16], message: /Duplicate stage name 'A'/ }],
  });

  ruleTable('ReservedStageName', {
    valid: ['FROM alpine AS base\n'],
    invalid: [{ text: 'FROM alpine AS scratch\n', range: [0, 15, 0, 22] }, { text: 'FROM alpine AS context\n', range: [0, 15, 0, 22] }],
  });

  ruleTable('JSONArgsRecommended', {
    valid: [
      'FROM alpine\nCMD ["echo", "hi"]\n',
      'FROM alpine\nSHELL ["/bin/bash", "-c"]\nCMD echo hi\n',
      'FROM alpine AS base\nSHELL ["/bin/bash", "-c"]\nFROM base\nENTRYPOINT echo hi\n',
    ],
    invalid: [
      { text: 'FROM alpine\nCMD echo hi\n', range: [1, 4, 1, 11], fixed: 'FROM alpine\nCMD ["echo", "hi"]\n' },
      { text: 'FROM alpine\nENTRYPOINT exec app "$@"\n', range: [1, 11, 1, 24] },
    ],
  });

  ruleTable('MaintainerDeprecated', {
    valid: ['FROM alpine\nLABEL org.opencontainers.image.authors="me"\n'],
    invalid: [{ text: 'FROM alpine\nMAINTAINER Jane "J" Doe\n', range: [1, 0, 1, 10], fixed: 'FROM alpine\nLABEL org.opencontainers.image.authors="Jane \\"J\\" Doe"\n' }],
  });

  ruleTable('WorkdirRelativePath', {
    valid: ['FROM alpine\nWORKDIR /app\nWORKDIR sub\n', 'FROM alpine AS a\nWORKDIR /app\nFROM a\nWORKDIR sub\n', 'FROM alpine\nWORKDIR $HOME\n'],
    invalid: [{ text: 'FROM alpine\nWORKDIR app\n', range: [1, 8, 1, 11], fixed: 'FROM alpine\nWORKDIR /app\n' }],
  });

  ruleTable('MultipleInstructionsDisallowed', {
    valid: ['FROM alpine\nCMD ["a"]\nFROM alpine\nCMD ["b"]\n'],
    invalid: [{ text: 'FROM alpine\nCMD ["a"]\nCMD ["b"]\n', range: [1, 0, 1, 9], message: /Multiple CMD/, fixed: 'FROM alpine\nCMD ["b"]\n' }],
  });

  ruleTable('LegacyKeyValueFormat', {
    valid: ['FROM alpine\nENV a=b c=d\nLABEL x=y\n'],
    invalid: [
      { text: 'FROM alpine\nENV a b\n', range: [1, 4, 1, 7], fixed: 'FROM alpine\nENV a=b\n' },
      { text: 'FROM alpine\nLABEL desc two words\n', range: [1, 6, 1, 20], fixed: 'FROM alpine\nLABEL desc="two words"\n' },
    ],
  });

  ruleTable('SecretsUsedInArgOrEnv', {
    valid: ['FROM alpine\nARG PUBLIC_KEY\nENV GPG_KEY=abc\nARG KEYBOARD=us\n'],
    invalid: [
      { text: 'FROM alpine\nARG DB_PASSWORD\n', range: [1, 4, 1, 15] },
      { text: 'FROM alpine\nENV api_token=x\n', range: [1, 4, 1, 13] },
    ],
  });

  ruleTable('ExposeProtoCasing', {
    valid: ['FROM alpine\nEXPOSE 80/tcp 53/udp\n'],
    invalid: [{ text: 'FROM alpine\nEXPOSE 80/TCP\n', range: [1, 10, 1, 13], fixed: 'FROM alpine\nEXPOSE 80/tcp\n' }],
  });

  ruleTable('ExposeInvalidFormat', {
    valid: ['FROM alpine\nEXPOSE 80 8000-8010/udp\n'],
    invalid: [{ text: 'FROM alpine\nEXPOSE 127.0.0.1:8080:80/tcp\n', range: [1, 7, 1, 28], fixed: 'FROM alpine\nEXPOSE 80/tcp\n' }],
  });
});

describe('lint: BuildKit checks that expand words', () => {
  ruleTable('UndefinedVar', {
    valid: [
      'FROM alpine\nENV PATH=$PATH:/opt/bin\nWORKDIR $HOME/app\n',
      'FROM scratch\nARG V\nCOPY a-$V /b\n',
      'FROM scratch\nENV A=1\nLABEL x=$A\n',
      'FROM scratch\nRUN echo $NOPE\n',
      'FROM scratch\nCOPY --chown=$http_proxy a /b\n',
      'ARG V=1\nFROM scratch\nARG V\nCOPY $V /x\n',
      'FROM alpine AS base\nENV FOO=1\nFROM base\nCOPY $FOO /x\n',
    ],
    invalid: [
      { text: 'FROM scratch\nCOPY $NOPE /x\n', range: [1, 6, 1, 10], message: /undefined variable '\$NOPE'/ },
      { text: 'FROM scratch\nENV FOO_VERSION=1\nWORKDIR /opt/$FOO_VERSON\n', range: [2, 14, 2, 24], message: /did you mean \$FOO_VERSION/, fixed: 'FROM scratch\nENV FOO_VERSION=1\nWORKDIR /opt/$FOO_VERSION\n' },
      { text: 'FROM alpine\nENV FOO_VERSION=1\nWORKDIR /opt/${FOO_VERSON}\n', range: [2, 15, 2, 25], fixed: 'FROM alpine\nENV FOO_VERSION=1\nWORKDIR /opt/${FOO_VERSION}\n' },
      { text: 'FROM alpine\nCOPY app-$TARGETARCH /app\n', range: [1, 10, 1, 20], message: /ARG TARGETARCH/ },
      { text: 'FROM scratch\nRUN --mount=type=cache,id=$CACHE_ID,target=/c true\n', range: [1, 27, 1, 35] },
    ],
  });

  ruleTable('UndefinedArgInFrom', {
    valid: ['ARG TAG=3\nFROM alpine:$TAG\n', 'ARG BASE\nFROM $BASE\n', 'FROM --platform=$BUILDPLATFORM alpine\n'],
    invalid: [
      { text: 'ARG VERSION=3\nFROM alpine:$VERSON\n', range: [1, 13, 1, 19], message: /'VERSON' is not declared \(did you mean VERSION\?\)/, fixed: 'ARG VERSION=3\nFROM alpine:$VERSION\n' },
      { text: 'FROM alpine:${TAG}\n', range: [0, 14, 0, 17], fixed: 'ARG TAG\nFROM alpine:${TAG}\n' },
    ],
  });

  ruleTable('InvalidDefaultArgInFrom', {
    valid: ['ARG TAG=3.20\nFROM alpine:$TAG\n', 'ARG IMG=alpine\nFROM ${IMG}\n', 'FROM alpine AS base\nARG B=base\nFROM base\n'],
    invalid: [
      { text: 'ARG TAG\nFROM alpine:$TAG\n', range: [1, 5, 1, 16], message: /invalid \('alpine:'\)/ },
      { text: 'ARG IMG\nFROM ${IMG}\n', range: [1, 5, 1, 11], message: /empty/ },
    ],
  });

  ruleTable('RedundantTargetPlatform', {
    valid: ['FROM --platform=$BUILDPLATFORM alpine\n', 'FROM alpine\n'],
    invalid: [{ text: 'FROM --platform=$TARGETPLATFORM alpine\n', range: [0, 5, 0, 31], fixed: 'FROM alpine\n' }],
  });

  ruleTable('FromPlatformFlagConstDisallowed', {
    valid: ['FROM --platform=$BUILDPLATFORM alpine\n', 'FROM --platform=linux/arm64 alpine AS build-arm64\n'],
    invalid: [{ text: 'FROM --platform=linux/amd64 alpine AS build\n', range: [0, 16, 0, 27], message: /constant value "linux\/amd64"/ }],
  });
});

describe('lint: .dockerignore', () => {
  const dockerignore = ['node_modules', '*.log', '!keep.log', 'secrets/'];
  ruleTable('CopyIgnoredFile', {
    valid: [
      { text: 'FROM scratch\nCOPY . /app\nCOPY src keep.log /app/\n', options: { dockerignore } },
      { text: 'FROM alpine AS b\nFROM scratch\nCOPY --from=b node_modules /n\n', options: { dockerignore } },
      'FROM scratch\nCOPY node_modules /n\n',
      { text: 'FROM scratch\nCOPY node_modules /n\n', options: { dockerignore: (p: string) => p === 'other' } },
    ],
    invalid: [
      { text: 'FROM scratch\nCOPY app.log /app/\n', range: [1, 5, 1, 12], options: { dockerignore }, message: /"app.log" that is excluded/ },
      { text: 'FROM scratch\nADD secrets/key.pem /k\n', range: [1, 4, 1, 19], options: { dockerignore } },
      { text: 'FROM scratch\nCOPY node_modules/x /n\n', range: [1, 5, 1, 19], options: { dockerignore: (p: string) => p.startsWith('node_modules') } },
    ],
  });
});

describe('lint: experimental checks', () => {
  const experimental = '# check=experimental=InvalidDefinitionDescription\n';
  ruleTable('InvalidDefinitionDescription', {
    valid: [
      experimental + '# VERSION the release to build\nARG VERSION=1\nFROM scratch\n',
      experimental + 'FROM scratch\n# just a note\n\nARG VERSION=1\n',
      '# some note\nARG VERSION=1\nFROM scratch\n',
    ],
    invalid: [
      { text: experimental + '\n# the release to build\nARG VERSION=1\nFROM scratch\n', range: [3, 4, 3, 11], fixed: experimental + '\n# VERSION the release to build\nARG VERSION=1\nFROM scratch\n' },
      { text: experimental + '\n# Build the app\nFROM scratch AS build\n', range: [3, 16, 3, 21], fixed: experimental + '\n# build Build the app\nFROM scratch AS build\n' },
    ],
  });
});
