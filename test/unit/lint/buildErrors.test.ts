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
