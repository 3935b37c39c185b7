// The rule registry: every rule file. Add new rules here.
import type { Rule } from '../types';
import AddInsteadOfCopy from './AddInsteadOfCopy';
import ApkNoCache from './ApkNoCache';
import AptGetMissingYes from './AptGetMissingYes';
import AptGetNoInstallRecommends from './AptGetNoInstallRecommends';
import AptGetPinVersions from './AptGetPinVersions';
import AptInsteadOfAptGet from './AptInsteadOfAptGet';
import AptListsNotCleaned from './AptListsNotCleaned';
import BadSubstitution from './BadSubstitution';
import ConsecutiveRun from './ConsecutiveRun';
import ConsistentInstructionCasing from './ConsistentInstructionCasing';
import DuplicateStageName from './DuplicateStageName';
import ExposeInvalidFormat from './ExposeInvalidFormat';
import ExposeProtoCasing from './ExposeProtoCasing';
import FromAsCasing from './FromAsCasing';
import FromPlatformFlagConstDisallowed from './FromPlatformFlagConstDisallowed';
import InvalidCheckDirective from './InvalidCheckDirective';
import InvalidDefaultArgInFrom from './InvalidDefaultArgInFrom';
import InvalidOnbuildTrigger from './InvalidOnbuildTrigger';
import InvalidPort from './InvalidPort';
import InvalidReference from './InvalidReference';
import InvalidSignal from './InvalidSignal';
import InvalidStageName from './InvalidStageName';
import JSONArgsRecommended from './JSONArgsRecommended';
import LastUserRoot from './LastUserRoot';
import LegacyKeyValueFormat from './LegacyKeyValueFormat';
import MaintainerDeprecated from './MaintainerDeprecated';
import MissingFrom from './MissingFrom';
import MultipleInstructionsDisallowed from './MultipleInstructionsDisallowed';
import NoEmptyContinuation from './NoEmptyContinuation';
import ParseProblems from './ParseProblems';
import PipNoCacheDir from './PipNoCacheDir';
import PipefailMissing from './PipefailMissing';
import RedundantTargetPlatform from './RedundantTargetPlatform';
import ReservedStageName from './ReservedStageName';
import SecretsUsedInArgOrEnv from './SecretsUsedInArgOrEnv';
import StageNameCasing from './StageNameCasing';
import SudoInRun from './SudoInRun';
import UndefinedArgInFrom from './UndefinedArgInFrom';
import UndefinedVar from './UndefinedVar';
import UnknownInstruction from './UnknownInstruction';
import UnterminatedQuote from './UnterminatedQuote';
import UseWorkdirNotCd from './UseWorkdirNotCd';
import WorkdirRelativePath from './WorkdirRelativePath';

export const rules: readonly Rule[] = [
  AddInsteadOfCopy,
  ApkNoCache,
  AptGetMissingYes,
  AptGetNoInstallRecommends,
  AptGetPinVersions,
  AptInsteadOfAptGet,
  AptListsNotCleaned,
  BadSubstitution,
  ConsecutiveRun,
  ConsistentInstructionCasing,
  DuplicateStageName,
  ExposeInvalidFormat,
  ExposeProtoCasing,
  FromAsCasing,
  FromPlatformFlagConstDisallowed,
  InvalidCheckDirective,
  InvalidDefaultArgInFrom,
  InvalidOnbuildTrigger,
  InvalidPort,
  InvalidReference,
  InvalidSignal,
  InvalidStageName,
  JSONArgsRecommended,
  LastUserRoot,
  LegacyKeyValueFormat,
  MaintainerDeprecated,
  MissingFrom,
  MultipleInstructionsDisallowed,
  NoEmptyContinuation,
  ParseProblems,
  PipNoCacheDir,
  PipefailMissing,
  RedundantTargetPlatform,
  ReservedStageName,
  SecretsUsedInArgOrEnv,
  StageNameCasing,
  SudoInRun,
  UndefinedArgInFrom,
  UndefinedVar,
  UnknownInstruction,
  UnterminatedQuote,
  UseWorkdirNotCd,
  WorkdirRelativePath,
];
