// Texts shared by completion and hover: a variable's value and a flag's documentation.
import type { VariableDefinition } from '../../engine/dockerfile/expand';
import type { FlagSpec } from '../../engine/dockerfile/spec';

export function describeValue(v: VariableDefinition): string {
  const kind = v.kind === 'env' ? 'ENV' : v.kind === 'arg' ? 'ARG' : v.kind === 'predefined' ? 'predefined ARG' : v.kind === 'build-arg' ? 'build arg' : 'base image';
  return v.value === undefined ? `${kind} (no value)` : `${kind} = ${v.value}`;
}

export function flagDoc(f: FlagSpec): string {
  const lines = [f.doc];
  if (f.values) lines.push(`Values: ${f.values.map((v) => `\`${v}\``).join(', ')}`);
  if (f.default !== undefined) lines.push(`Default: \`${f.default}\``);
  if (f.repeatable) lines.push('May be repeated.');
  if (f.minSyntax) lines.push(`Needs \`# syntax=docker/dockerfile:${f.minSyntax}\` or later.`);
  return lines.join('\n\n');
}
