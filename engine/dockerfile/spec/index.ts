export * from './types';
export { INSTRUCTIONS, INSTRUCTION_NAMES, flagSpec, instructionSpec } from './instructions';
export { MOUNT_KEYS, MOUNT_TYPES, mountKeySpec, mountTypeSpec } from './mounts';
export { DIRECTIVES, SIGNALS } from './directives';

/** `RUN --network` values. */
export const NETWORK_MODES = ['default', 'none', 'host'] as const;
/** `RUN --security` values. */
export const SECURITY_MODES = ['sandbox', 'insecure'] as const;
