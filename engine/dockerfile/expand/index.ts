export { expandWord, isPlainWord, type Env, type ExpandError, type ExpandOptions, type ExpandResult, type VariableReference } from './lex';
export { ScopeModel, scopeAt, type Scope, type ScopeOptions, type VariableDefinition, type VariableKind } from './scope';
export {
  BUILDKIT_ARGS, PLATFORM_ARGS, PREDEFINED_ARGS, PROXY_ARGS, platformArgValues, type PlatformSpec, type PredefinedArg,
} from './predefined';
