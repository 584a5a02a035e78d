// The root entry point: the protocol vocabulary every other subpath shares.
export * from './protocol/index.js';
