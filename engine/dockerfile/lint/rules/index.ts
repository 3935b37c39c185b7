// The rule registry: every rule file. Add new rules here.
import type { Rule } from '../types';
import ConsistentInstructionCasing from './ConsistentInstructionCasing';
import DuplicateStageName from './DuplicateStageName';
import ExposeInvalidFormat from './ExposeInvalidFormat';
import ExposeProtoCasing from './ExposeProtoCasing';
import FromAsCasing from './FromAsCasing';
import InvalidOnbuildTrigger from './InvalidOnbuildTrigger';
import InvalidPort from './InvalidPort';
import InvalidSignal from './InvalidSignal';
import InvalidStageName from './InvalidStageName';
import JSONArgsRecommended from './JSONArgsRecommended';
import LegacyKeyValueFormat from './LegacyKeyValueFormat';
import MaintainerDeprecated from './MaintainerDeprecated';
import MissingFrom from './MissingFrom';
import MultipleInstructionsDisallowed from './MultipleInstructionsDisallowed';
import NoEmptyContinuation from './NoEmptyContinuation';
import ReservedStageName from './ReservedStageName';
import SecretsUsedInArgOrEnv from './SecretsUsedInArgOrEnv';
import StageNameCasing from './StageNameCasing';
import WorkdirRelativePath from './WorkdirRelativePath';

export const rules: readonly Rule[] = [
  ConsistentInstructionCasing,
  DuplicateStageName,
  ExposeInvalidFormat,
  ExposeProtoCasing,
  FromAsCasing,
  InvalidOnbuildTrigger,
  InvalidPort,
  InvalidSignal,
  InvalidStageName,
  JSONArgsRecommended,
  LegacyKeyValueFormat,
  MaintainerDeprecated,
  MissingFrom,
  MultipleInstructionsDisallowed,
  NoEmptyContinuation,
  ReservedStageName,
  SecretsUsedInArgOrEnv,
  StageNameCasing,
  WorkdirRelativePath,
];
