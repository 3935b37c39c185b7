// Build errors (the build would fail): one table per rule.
import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile';
import { lint } from '../../../engine/dockerfile/lint';
import { ruleTable } from './table';

describe('lint: build errors', () => {
  ruleTable('ParseError', {
    valid: ['FROM alpine\nENV a=b\n'],
    invalid: [{ text: 'FROM alpine\nENV a\n', range: [1, 0, 1, 5], message: /two arguments/ }],
  });

  ruleTable('InvalidEscapeDirective', {
    valid: ['# escape=`\nFROM alpine\n'],
    invalid: [{ text: '# escape=x\nFROM alpine\n', range: [0, 9, 0, 10] }],
  }, 'ParseError');

  ruleTable('UnknownInstruction', {
    valid: ['FROM alpine\nRUN true\n'],
    invalid: [
      { text: 'FROM alpine\nRUNN true\n', range: [1, 0, 1, 4], message: /did you mean RUN/, fixed: 'FROM alpine\nRUN true\n' },
      { text: 'FROM alpine\nFOOBARBAZ x\n', range: [1, 0, 1, 9], message: /Unknown instruction: FOOBARBAZ/ },
    ],
  });

  ruleTable('MissingFrom', {
    valid: ['ARG V=1\nFROM alpine:$V\n', '# comment\nFROM alpine\n'],
    invalid: [{ text: 'RUN true\nFROM alpine\n', range: [0, 0, 0, 3], message: /RUN must come after FROM/ }],
  });

  ruleTable('InvalidStageName', {
    valid: ['FROM alpine AS build-1.x_y\n'],
    invalid: [{ text: 'FROM alpine AS 1st\n', range: [0, 15, 0, 18] }, { text: 'FROM alpine AS a$b\n', range: [0, 15, 0, 18] }],
  });

  ruleTable('InvalidOnbuildTrigger', {
    valid: ['FROM alpine\nONBUILD RUN true\n'],
    invalid: [
      { text: 'FROM alpine\nONBUILD ONBUILD RUN true\n', range: [1, 8, 1, 15], message: /Chaining ONBUILD/ },
      { text: 'FROM alpine\nONBUILD MAINTAINER me\n', range: [1, 8, 1, 18], message: /MAINTAINER isn't allowed/ },
    ],
  });

  ruleTable('InvalidPort', {
    valid: ['FROM alpine\nEXPOSE 80 443/tcp 53/udp 9000-9010 $PORT 132/sctp\n'],
    invalid: [
      { text: 'FROM alpine\nEXPOSE 70000\n', range: [1, 7, 1, 12], message: /Invalid containerPort: 70000/ },
      { text: 'FROM alpine\nEXPOSE http\n', range: [1, 7, 1, 11] },
    ],
  });

  ruleTable('InvalidProtocol', {
    valid: ['FROM alpine\nEXPOSE 80/TCP\n'],
    invalid: [{ text: 'FROM alpine\nEXPOSE 80/http\n', range: [1, 10, 1, 14], message: /Invalid proto: http/ }],
  }, 'InvalidPort');

  ruleTable('InvalidSignal', {
    valid: ['FROM alpine\nSTOPSIGNAL SIGTERM\n', 'FROM alpine\nSTOPSIGNAL 9\n', 'FROM alpine\nSTOPSIGNAL quit\n', 'FROM alpine\nSTOPSIGNAL SIGRTMIN+3\n', 'FROM alpine\nSTOPSIGNAL $SIG\n'],
    invalid: [{ text: 'FROM alpine\nSTOPSIGNAL SIGFOO\n', range: [1, 11, 1, 17] }],
  });

  ruleTable('InvalidCheckDirective', {
    valid: ['# check=skip=all;error=true\nFROM alpine\n', '# check=experimental=all\nFROM alpine\n'],
    invalid: [
      { text: '# check=skipp=x\nFROM alpine\n', range: [0, 8, 0, 15], message: /invalid check option "skipp"/ },
      { text: '# check=error=maybe\nFROM alpine\n', range: [0, 8, 0, 19], message: /ParseBool/ },
    ],
  });

  it('reports an error on each BuildKit negative parser fixture shape', () => {
    for (const text of ['FROM busybox\nENV PATH\n', '# Hello\n# only comments\n', 'CMD [ "echo", [ "nested json" ] ]\n']) {
      assert.ok(lint(parseDockerfile(text)).some((p) => p.severity === 'error'), text);
    }
  });
});

describe('lint: build errors from word expansion and references', () => {
  ruleTable('InvalidReference', {
    valid: ['FROM alpine:3.20\n', 'FROM localhost:5000/a/b:tag@sha256:' + 'a'.repeat(64) + '\n', 'FROM scratch\n', 'ARG X=Bad\nFROM $X\n'],
    invalid: [
      { text: 'FROM Alpine\n', range: [0, 5, 0, 11], message: /must be lowercase/ },
      { text: 'FROM alpine:bad!tag\n', range: [0, 5, 0, 19] },
    ],
  });

  ruleTable('UnterminatedQuote', {
    valid: ['FROM alpine\nENV A="a b" B=\'c\'\n', 'FROM alpine\nRUN echo "unterminated\n'],
    invalid: [{ text: 'FROM alpine\nENV A="abc\n', range: [1, 6, 1, 10], message: /matching double-quote/ }],
  });

  ruleTable('BadSubstitution', {
    valid: ['FROM alpine\nENV A=${B:-x} C=${B#p} D=${B%%s} E=${B//a/b} F=${B:+y}\n'],
    invalid: [
      { text: 'FROM alpine\nWORKDIR /${A:x}\n', range: [1, 9, 1, 15], message: /unsupported modifier/ },
      { text: 'FROM alpine\nENV A=${}\n', range: [1, 6, 1, 9], message: /bad substitution/ },
    ],
  });
});

describe('lint: flags, arguments and instruction forms', () => {
  ruleTable('UnknownFlag', {
    valid: ['FROM alpine\nCOPY --from=a --chown=1 --chmod=755 --link --exclude=x --parents a /b\nADD --checksum=sha256:' + 'a'.repeat(64) + ' --keep-git-dir --unpack https://x /y\nRUN --mount=type=cache,target=/c --network=none --security=sandbox true\n'],
    invalid: [
      { text: 'FROM alpine\nCOPY --chwon=1 a /b\n', range: [1, 5, 1, 12], message: /did you mean --chown/, fixed: 'FROM alpine\nCOPY --chown=1 a /b\n' },
      { text: 'FROM alpine\nWORKDIR --x /a\n', range: [1, 8, 1, 11], message: /WORKDIR takes no flags/ },
    ],
  });

  ruleTable('DuplicateFlag', {
    valid: ['FROM alpine\nCOPY --exclude=a --exclude=b . /\n'],
    invalid: [{ text: 'FROM alpine\nCOPY --chown=1 --chown=2 a /b\n', range: [1, 15, 1, 24] }],
  });

  ruleTable('InvalidFlagValue', {
    valid: ['FROM alpine AS a\nFROM alpine\nCOPY --from=a --chmod=u+x,g=u a /b\nCOPY --from=0 x /y\nCOPY --from=busybox:1 /bin/sh /sh\nRUN --network=$NET true\n'],
    invalid: [
      { text: 'FROM alpine\nRUN --network=hots true\n', range: [1, 14, 1, 18], message: /use one of default, none, host/, fixed: 'FROM alpine\nRUN --network=host true\n' },
      { text: 'FROM alpine\nRUN --security=unsafe true\n', range: [1, 15, 1, 21] },
      { text: 'FROM alpine\nCOPY --link=maybe a /b\n', range: [1, 12, 1, 17], message: /expecting boolean value/ },
      { text: 'FROM alpine\nCOPY --from a /b\n', range: [1, 5, 1, 11], message: /Missing a value on flag: from/ },
      { text: 'FROM alpine\nCOPY --from=Bad_Ref! a /b\n', range: [1, 12, 1, 20], message: /invalid from flag value/ },
      { text: 'FROM alpine\nCOPY --from=1 a /b\n', range: [1, 12, 1, 13], message: /not an earlier stage/ },
      { text: 'FROM alpine\nCOPY --chmod=abc a /b\n', range: [1, 13, 1, 16] },
      { text: 'FROM --platform=linux/nope alpine\n', range: [0, 16, 0, 26], message: /failed to parse platform/ },
      { text: 'FROM alpine\nHEALTHCHECK --retries=0 CMD true\n', range: [1, 22, 1, 23], message: /at least 1/ },
    ],
  });

  ruleTable('InvalidDuration', {
    valid: ['FROM alpine\nHEALTHCHECK --interval=1m30s --timeout=500ms --start-period=0 --start-interval=2s CMD true\n'],
    invalid: [
      { text: 'FROM alpine\nHEALTHCHECK --interval=30 CMD true\n', range: [1, 23, 1, 25], message: /missing unit/ },
      { text: 'FROM alpine\nHEALTHCHECK --timeout=5x CMD true\n', range: [1, 22, 1, 24], message: /unknown unit "x"/ },
      { text: 'FROM alpine\nHEALTHCHECK --interval=10us CMD true\n', range: [1, 23, 1, 27], message: /less than 1ms/ },
    ],
  });

  ruleTable('InvalidMount', {
    valid: [
      'FROM alpine\nRUN --mount=type=cache,target=/c,sharing=locked,id=x,uid=0,mode=0755 --mount=type=secret,id=s,env=S,required --mount=target=.,ro --mount=type=ssh true\n',
      'FROM alpine\nRUN --mount=type=tmpfs,target=/t,size=64m --mount=from=build,source=/o,target=/i true\n',
    ],
    invalid: [
      { text: 'FROM alpine\nRUN --mount=type=cahce,target=/c true\n', range: [1, 17, 1, 22], fixed: 'FROM alpine\nRUN --mount=type=cache,target=/c true\n' },
      { text: 'FROM alpine\nRUN --mount=type=cache,taget=/c true\n', range: [1, 23, 1, 28], message: /unexpected key 'taget'/, fixed: 'FROM alpine\nRUN --mount=type=cache,target=/c true\n' },
      { text: 'FROM alpine\nRUN --mount=type=cache,target=/c,sharing=all true\n', range: [1, 41, 1, 44] },
      { text: 'FROM alpine\nRUN --mount=type=cache,target /c true\n', range: [1, 23, 1, 29], message: /key=value/ },
    ],
  });

  ruleTable('MissingArguments', {
    valid: ['FROM alpine\nCMD\nCOPY <<EOF /x\nhi\nEOF\n'],
    invalid: [
      { text: 'FROM alpine\nRUN\n', range: [1, 0, 1, 3], message: /RUN requires at least one argument/ },
      { text: 'FROM alpine\nCOPY a\n', range: [1, 0, 1, 6], message: /Destination could not be determined/ },
      { text: 'FROM alpine\nWORKDIR\n', range: [1, 0, 1, 7], message: /exactly one argument/ },
    ],
  });

  ruleTable('ExtraArguments', {
    valid: ['FROM alpine AS a\nWORKDIR /a b\nUSER app:app\n'],
    invalid: [
      { text: 'FROM alpine a\n', range: [0, 12, 0, 13], message: /one or three arguments/, fixed: 'FROM alpine AS a\n' },
      { text: 'FROM alpine IS a\n', range: [0, 12, 0, 14], message: /should be AS/, fixed: 'FROM alpine AS a\n' },
    ],
  });

  ruleTable('InvalidHealthcheck', {
    valid: ['FROM alpine\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5s CMD ["curl", "x"]\n'],
    invalid: [
      { text: 'FROM alpine\nHEALTHCHECK RUN true\n', range: [1, 12, 1, 15], message: /Unknown type "RUN"/ },
      { text: 'FROM alpine\nHEALTHCHECK CMD\n', range: [1, 12, 1, 15], message: /Missing command/ },
      { text: 'FROM alpine\nHEALTHCHECK NONE true\n', range: [1, 0, 1, 21], message: /takes no arguments/ },
    ],
  });

  ruleTable('ShellRequiresJson', {
    valid: ['FROM alpine\nSHELL ["/bin/sh", "-c"]\n'],
    invalid: [
      { text: 'FROM alpine\nSHELL /bin/bash -c\n', range: [1, 6, 1, 18], fixed: 'FROM alpine\nSHELL ["/bin/bash", "-c"]\n' },
      { text: 'FROM alpine\nSHELL []\n', range: [1, 6, 1, 8], message: /at least one/ },
    ],
  });

  ruleTable('CopyDestinationNotDirectory', {
    valid: ['FROM alpine\nCOPY a b /dir/\nCOPY a /file\nCOPY a b $DEST\n'],
    invalid: [{ text: 'FROM alpine\nCOPY a b /dir\n', range: [1, 9, 1, 13], severity: 'warning', fixed: 'FROM alpine\nCOPY a b /dir/\n' }],
  });
});

describe('lint: exec form with single quotes', () => {
  ruleTable('JSONArgsSingleQuotes', {
    valid: ['FROM alpine\nCMD ["a", "b"]\nRUN echo \'[x]\'\n'],
    invalid: [
      { text: "FROM alpine\nCMD ['a', 'b']\n", range: [1, 4, 1, 14], severity: 'warning', fixed: 'FROM alpine\nCMD ["a", "b"]\n' },
      { text: "FROM alpine\nRUN ['x']\n", range: [1, 4, 1, 9], severity: 'warning', fixed: 'FROM alpine\nRUN ["x"]\n' },
    ],
  });

  it('reports one condition once: no JSONArgsRecommended on single-quoted arrays, no casing warning on invalid protocols, no MissingFrom on unknown instructions', () => {
    const codes = (text: string) => lint(parseDockerfile(text)).map((p) => p.code);
    assert.deepEqual(codes("FROM alpine:3\nCMD ['a']\n"), ['JSONArgsSingleQuotes']);
    assert.deepEqual(codes('FROM alpine:3\nEXPOSE 80/XYZ\n'), ['InvalidProtocol']);
    assert.deepEqual(codes('FORM alpine:3\nFROM alpine:3\n'), ['UnknownInstruction']);
    assert.deepEqual(codes('FROM alpine:3\nENV a\n'), ['ParseError']);
    assert.deepEqual(codes('FROM alpine:3\nCMD [1, 2]\n'), ['JSONNotStringArray']);
  });
});

describe('lint: syntax version gates', () => {
  ruleTable('FlagRequiresNewerSyntax', {
    valid: [
      '# syntax=docker/dockerfile:1\nFROM alpine\nCOPY --parents a /b/\n',
      '# syntax=docker/dockerfile:1.20\nFROM alpine\nCOPY --parents --link a /b/\n',
      'FROM alpine\nCOPY --parents a /b/\n',
      '# syntax=docker/dockerfile:1.14-labs\nFROM alpine\nRUN --device=x true\n',
      '# syntax=docker/dockerfile:1.19-labs\nFROM alpine\nCOPY --parents a /b/\n',
    ],
    invalid: [
      { text: '# syntax=docker/dockerfile:1.4\nFROM alpine\nCOPY --parents a /b/\n', range: [2, 5, 2, 14], message: /needs Dockerfile syntax 1.20/, fixed: '# syntax=docker/dockerfile:1.20\nFROM alpine\nCOPY --parents a /b/\n' },
      { text: '# syntax=docker/dockerfile:1.20\nFROM alpine\nRUN --device=x true\n', range: [2, 4, 2, 12], fixed: '# syntax=docker/dockerfile:1.20-labs\nFROM alpine\nRUN --device=x true\n' },
    ],
  });
});
