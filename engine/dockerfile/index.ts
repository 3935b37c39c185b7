/**
 * Public API of the Dockerfile model (hand-written core; see model.ts for why).
 */
export type * from './model';
export { parseDockerfile } from './parser/parse';
export { ProblemCode } from './parser/problems';
export { wordSubRange, wordOffsetAt } from './wordRange';
export * from './expand/index';
export * from './spec/index';
export * from './dockerignore';
