export type * from './types.js';
export * from './measure.js';
export * from './table.js';
