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
import BaseImageLatest from './BaseImageLatest';
import BaseImageUntagged from './BaseImageUntagged';
import ConsecutiveRun from './ConsecutiveRun';
import ConsistentInstructionCasing from './ConsistentInstructionCasing';
import CopyDestinationNotDirectory from './CopyDestinationNotDirectory';
import CopyIgnoredFile from './CopyIgnoredFile';
import DuplicateFlag from './DuplicateFlag';
import DuplicateStageName from './DuplicateStageName';
import ExposeInvalidFormat from './ExposeInvalidFormat';
import ExposeProtoCasing from './ExposeProtoCasing';
import ExtraArguments from './ExtraArguments';
import FlagRequiresNewerSyntax from './FlagRequiresNewerSyntax';
import FromAsCasing from './FromAsCasing';
import FromPlatformFlagConstDisallowed from './FromPlatformFlagConstDisallowed';
import InvalidCheckDirective from './InvalidCheckDirective';
import InvalidDefaultArgInFrom from './InvalidDefaultArgInFrom';
import InvalidDefinitionDescription from './InvalidDefinitionDescription';
import InvalidDuration from './InvalidDuration';
import InvalidFlagValue from './InvalidFlagValue';
import InvalidHealthcheck from './InvalidHealthcheck';
import InvalidMount from './InvalidMount';
import InvalidOnbuildTrigger from './InvalidOnbuildTrigger';
import InvalidPort from './InvalidPort';
import InvalidReference from './InvalidReference';
import InvalidSignal from './InvalidSignal';
import InvalidStageName from './InvalidStageName';
import JSONArgsRecommended from './JSONArgsRecommended';
import JSONArgsSingleQuotes from './JSONArgsSingleQuotes';
import LastUserRoot from './LastUserRoot';
import LegacyKeyValueFormat from './LegacyKeyValueFormat';
import MaintainerDeprecated from './MaintainerDeprecated';
import MissingArguments from './MissingArguments';
import MissingFrom from './MissingFrom';
import MultipleInstructionsDisallowed from './MultipleInstructionsDisallowed';
import NoEmptyContinuation from './NoEmptyContinuation';
import ParseProblems from './ParseProblems';
import PipNoCacheDir from './PipNoCacheDir';
import PipefailMissing from './PipefailMissing';
import RedundantTargetPlatform from './RedundantTargetPlatform';
import ReservedStageName from './ReservedStageName';
import SecretsUsedInArgOrEnv from './SecretsUsedInArgOrEnv';
import ShellRequiresJson from './ShellRequiresJson';
import StageNameCasing from './StageNameCasing';
import SudoInRun from './SudoInRun';
import UndefinedArgInFrom from './UndefinedArgInFrom';
import UndefinedVar from './UndefinedVar';
import UnknownFlag from './UnknownFlag';
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
  BaseImageLatest,
  BaseImageUntagged,
  ConsecutiveRun,
  ConsistentInstructionCasing,
  CopyDestinationNotDirectory,
  CopyIgnoredFile,
  DuplicateFlag,
  DuplicateStageName,
  ExposeInvalidFormat,
  ExposeProtoCasing,
  ExtraArguments,
  FlagRequiresNewerSyntax,
  FromAsCasing,
  FromPlatformFlagConstDisallowed,
  InvalidCheckDirective,
  InvalidDefaultArgInFrom,
  InvalidDefinitionDescription,
  InvalidDuration,
  InvalidFlagValue,
  InvalidHealthcheck,
  InvalidMount,
  InvalidOnbuildTrigger,
  InvalidPort,
  InvalidReference,
  InvalidSignal,
  InvalidStageName,
  JSONArgsRecommended,
  JSONArgsSingleQuotes,
  LastUserRoot,
  LegacyKeyValueFormat,
  MaintainerDeprecated,
  MissingArguments,
  MissingFrom,
  MultipleInstructionsDisallowed,
  NoEmptyContinuation,
  ParseProblems,
  PipNoCacheDir,
  PipefailMissing,
  RedundantTargetPlatform,
  ReservedStageName,
  SecretsUsedInArgOrEnv,
  ShellRequiresJson,
  StageNameCasing,
  SudoInRun,
  UndefinedArgInFrom,
  UndefinedVar,
  UnknownFlag,
  UnknownInstruction,
  UnterminatedQuote,
  UseWorkdirNotCd,
  WorkdirRelativePath,
];
