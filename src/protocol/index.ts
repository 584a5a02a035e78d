export * from './opcodes.js';
export * from './closeCodes.js';
export * from './frame.js';
export * from './message.js';
export * from './errors.js';
export type * from './extension.js';
