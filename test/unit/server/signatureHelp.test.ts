import * as assert from 'node:assert/strict';
import { signatureHelp } from '../../../server/features/signatureHelp';
import { withCursor } from './helpers';

function active(marked: string): { signature: string; parameter: string } | null {
  const { model, position } = withCursor(marked);
  const help = signatureHelp(model, position);
  if (!help) return null;
  const signature = help.signatures[help.activeSignature!];
  const [start, end] = signature.parameters![help.activeParameter!].label as [number, number];
  return { signature: signature.label, parameter: signature.label.slice(start, end) };
}

describe('signatureHelp', () => {
  it('shows the shell or exec form and the argument under the cursor', () => {
    assert.deepEqual(active('FROM a\nCOPY --from=x |'), {
      signature: 'COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] <src>... <dest>', parameter: '<src>...',
    });
    assert.equal(active('FROM a\nCOPY --ch|')!.parameter, '[--from=<stage|image>]');
    assert.deepEqual(active('FROM a\nCOPY [|'), { signature: 'COPY ["<src>",... "<dest>"]', parameter: '["<src>",...' });
    assert.equal(active('FROM a\nCMD [|')!.signature, 'CMD ["executable", "param1", "param2"]');
    assert.equal(active('FROM a\nCMD echo |')!.signature, 'CMD command param1 param2');
    assert.equal(active('FROM a\nHEALTHCHECK NONE|')!.signature, 'HEALTHCHECK NONE');
    assert.equal(active('FROM a |')!.parameter, '[AS');
    assert.equal(active('FROM a AS |')!.parameter, '<name>]');
  });

  it('follows continuation lines and ONBUILD triggers', () => {
    assert.equal(active('FROM a\nCOPY \\\n  src \\\n  |')!.parameter, '<dest>');
    assert.equal(active('FROM a\nONBUILD WORKDIR |')!.signature, 'WORKDIR /path/to/workdir');
  });

  it('gives nothing on keywords, comments or unknown instructions', () => {
    assert.equal(active('FR|OM a'), null);
    assert.equal(active('FROM a\n# x|'), null);
    assert.equal(active('FROM a\nFOO |'), null);
  });
});
