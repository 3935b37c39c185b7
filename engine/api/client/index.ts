// The client side of the Engine API, used by the extension (client/). No editor imports here.
export * from './endpoint';
export * from './connect';
export * from './knownHosts';
export * from './probe';
export * from './build';
export type { default as Docker } from 'dockerode';
