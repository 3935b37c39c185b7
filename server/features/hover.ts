// textDocument/hover: docs of instructions, flags, mount types/keys and parser directives (from
// engine/dockerfile/spec), build-check rules named in `# check=`, the value of a variable at that
// point, what a stage is built from, and a base image's registry page.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { DockerfileModel, Instruction, Stage } from '../../engine/dockerfile';
import { PREDEFINED_ARGS } from '../../engine/dockerfile/expand';
import { rules } from '../../engine/dockerfile/lint';
import { DIRECTIVES, instructionSpec, mountKeySpec, mountTypeSpec } from '../../engine/dockerfile/spec';
import { describeValue, flagDoc } from './describe';
import { registryPage } from './documentLinks';
import { innermost, instructionAt, lineText, touches } from './positions';
import { scopeModel } from './scopes';
import { symbolIndex, type Occurrence } from './symbolIndex';

export function hover(model: DockerfileModel, position: Position): Hover | null {
  for (const directive of model.directives) {
    if (touches(directive.nameRange, position)) {
      const spec = DIRECTIVES.find((d) => d.name === directive.name);
      if (spec) return markdown(`**# ${spec.name}**\n\n${spec.doc}\n\n[Reference](${spec.link})`, directive.nameRange);
    }
  }
  const rule = checkRuleHover(model, position);
  if (rule) return rule;
  const occurrence = symbolIndex(model).at(position);
  if (occurrence?.kind === 'stage') return stageHover(model, occurrence);
  if (occurrence?.kind === 'variable') return variableHover(model, occurrence);

  const top = instructionAt(model, position);
  if (!top) return null;
  const instruction = innermost(top, position);
  if (touches(instruction.keywordRange, position)) return keywordHover(instruction);
  if (top !== instruction && touches(top.keywordRange, position)) return keywordHover(top);
  if (instruction.kind === 'FROM' && instruction.image && touches(instruction.image.range, position)) return imageHover(instruction.image.text, instruction.image.range);
  return flagHover(instruction, position);
}

/** A rule name in `# check=skip=...` (the directive or a comment above an instruction). */
function checkRuleHover(model: DockerfileModel, position: Position): Hover | null {
  const line = lineText(model, position.line);
  const check = /^\s*#\s*check\s*=/i.exec(line);
  if (!check) return null;
  const word = /[A-Za-z0-9]*$/.exec(line.slice(0, position.character))![0];
  const name = word + /^[A-Za-z0-9]*/.exec(line.slice(position.character))![0];
  const rule = rules.find((r) => r.code === name);
  if (!rule || position.character - word.length < check[0].length) return null;
  const start = position.character - word.length;
  const docs = rule.docs ? `\n\n[Documentation](${rule.docs})` : '';
  return markdown(`**${rule.code}** (${rule.experimental ? 'experimental build check' : 'build check'})\n\n${rule.description}${docs}`,
    { start: { line: position.line, character: start }, end: { line: position.line, character: start + name.length } });
}

function markdown(value: string, range: Hover['range']): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

function keywordHover(instruction: Instruction): Hover | null {
  const spec = instructionSpec(instruction.keyword);
  if (!spec) return null;
  const usage = spec.usage.join('\n');
  return markdown(`**${spec.name}**\n\n\`\`\`dockerfile\n${usage}\n\`\`\`\n\n${spec.doc}\n\n[Reference](${spec.link})`, instruction.keywordRange);
}

function imageHover(image: string, range: Hover['range']): Hover | null {
  if (image.toLowerCase() === 'scratch') return markdown('**scratch**: the empty image; the stage starts with no files.', range);
  const page = registryPage(image);
  return page ? markdown(`**Base image** \`${image}\`\n\n[Registry page](${page})`, range) : null;
}

function flagHover(instruction: Instruction, position: Position): Hover | null {
  const flag = instruction.flags.find((f) => touches(f.range, position));
  if (!flag) return null;
  const spec = instructionSpec(instruction.keyword)?.flags.find((f) => f.name === flag.name);
  if (!spec) return null;
  if (instruction.kind === 'RUN' && flag.name === 'mount' && flag.valueRange && touches(flag.valueRange, position)) {
    const mount = instruction.mounts.find((m) => m.flag === flag);
    const option = mount?.options.find((o) => touches(o.range, position));
    if (mount && option) {
      if (option.key === 'type' && option.valueRange && touches(option.valueRange, position)) {
        const type = mountTypeSpec(option.value ?? '');
        if (type) return markdown(`**type=${type.type}**\n\n${type.doc}\n\nKeys: ${type.keys.map((k) => `\`${k.name}\``).join(', ')}`, option.valueRange);
      }
      const key = mountKeySpec(mount.type, option.key);
      if (key) {
        const extra = [key.default !== undefined ? `Default: \`${key.default}\`` : '', key.values ? `Values: ${key.values.map((v) => `\`${v}\``).join(', ')}` : '']
          .filter((s) => s !== '').join('\n\n');
        return markdown(`**${key.name}** (${mount.type} mount)\n\n${key.doc}${extra ? `\n\n${extra}` : ''}`, option.keyRange);
      }
    }
  }
  return markdown(`**--${spec.name}**\n\n${flagDoc(spec)}`, flag.range);
}

function variableHover(model: DockerfileModel, occurrence: Occurrence): Hover {
  const top = instructionAt(model, occurrence.range.start);
  const scopes = scopeModel(model);
  const scope = !top ? scopes.global : occurrence.isDefinition ? scopes.scopeAfter(top) : scopes.scopeBefore(top);
  const definition = scope.vars.get(occurrence.name);
  const predefined = PREDEFINED_ARGS.find((p) => p.name === occurrence.name);
  const lines: string[] = [];
  if (definition) {
    lines.push(`\`${occurrence.name}\`: ${describeValue(definition)}`);
    if (definition.range) lines.push(`Defined on line ${definition.range.start.line + 1}.`);
  } else if (scope.baseEnvUnknown) {
    lines.push(`\`${occurrence.name}\` is not set by this Dockerfile here; the base image may define it.`);
  } else {
    lines.push(`\`${occurrence.name}\` is not defined here.`);
  }
  if (predefined) lines.push(predefined.doc);
  return markdown(lines.join('\n\n'), occurrence.range);
}

function stageHover(model: DockerfileModel, occurrence: Occurrence): Hover | null {
  const stage = model.stages[Number(occurrence.key.slice('stage:'.length))];
  if (!stage) return null;
  const users = model.stages.filter((s) => s.references.some((r) => r.stageIndex === stage.index)).map((s) => label(s));
  const lines = [
    `**Stage ${label(stage)}** (index ${stage.index}, line ${stage.from.range.start.line + 1})`,
    `Built from ${base(model, stage)}${stage.platform?.valueText ? ` for \`${stage.platform.valueText}\`` : ''}, ${stage.instructions.length} instruction${stage.instructions.length === 1 ? '' : 's'}.`,
  ];
  if (users.length > 0) lines.push(`Used by ${users.join(', ')}.`);
  return markdown(lines.join('\n\n'), occurrence.range);
}

function label(stage: Stage): string {
  return stage.nameText ? `\`${stage.nameText}\`` : `#${stage.index}`;
}

/** What the stage is built from, `FROM $BASE` expanded with the global ARGs' defaults. */
function base(model: DockerfileModel, stage: Stage): string {
  const resolved = scopeModel(model).resolvedBase(stage);
  switch (resolved.kind) {
    case 'image': return `image \`${resolved.image}\``;
    case 'stage': return `stage ${label(model.stages[resolved.stageIndex])}`;
    case 'scratch': return '`scratch` (empty)';
    default: return 'nothing (FROM has no image)';
  }
}
