// textDocument/signatureHelp: the forms of the instruction being typed (from the spec's usage
// lines), the exec form active when the arguments start with `[`, and the argument the cursor is on.
import type { Position, SignatureHelp, SignatureInformation } from 'vscode-languageserver';
import type { DockerfileModel } from '../../engine/dockerfile';
import { instructionSpec } from '../../engine/dockerfile/spec';
import { cursorContext } from './cursorContext';

export const signatureTriggerCharacters = [' ', '['];

interface Form {
  signature: SignatureInformation;
  /** Parameter texts, in order (`[--from=<stage>]`, `<src>...`, ...). */
  parameters: string[];
}

export function signatureHelp(model: DockerfileModel, position: Position): SignatureHelp | null {
  const context = cursorContext(model, position);
  if (context.kind !== 'arguments') return null;
  const spec = instructionSpec(context.keyword);
  if (!spec) return null;
  const forms = spec.usage.map(form);
  const positional = context.words.filter((w) => !w.startsWith('--'));
  const first = (positional[0] ?? (context.typed.startsWith('-') ? '' : context.typed)).toUpperCase();
  const preferred = first.startsWith('[')
    ? spec.usage.findIndex((u) => u.includes('["'))
    : first === 'NONE' ? spec.usage.findIndex((u) => u.endsWith(' NONE')) : spec.usage.findIndex((u) => !u.includes('["'));
  const activeSignature = Math.max(0, preferred);
  return {
    signatures: forms.map((f) => f.signature),
    activeSignature,
    activeParameter: activeParameter(forms[activeSignature].parameters, context.typed, positional.length),
  };
}

/** Each word after the keyword in a usage line is a parameter. */
function form(usage: string): Form {
  const parameters: string[] = [];
  const signature: SignatureInformation = { label: usage, parameters: [] };
  const re = /\S+/g;
  re.lastIndex = Math.max(0, usage.indexOf(' '));
  for (let m = re.exec(usage); m; m = re.exec(usage)) {
    parameters.push(m[0]);
    signature.parameters!.push({ label: [m.index, m.index + m[0].length] });
  }
  return { signature, parameters };
}

/** The first flag parameter while a flag is typed, else the n-th positional one (the last repeats). */
function activeParameter(parameters: string[], typed: string, positionalBefore: number): number {
  const isFlag = (p: string) => p.startsWith('[--');
  if (typed.startsWith('-')) return Math.max(0, parameters.findIndex(isFlag));
  const positional = parameters.flatMap((p, i) => (isFlag(p) ? [] : [i]));
  if (positional.length === 0) return 0;
  return positional[Math.min(positionalBefore, positional.length - 1)];
}
