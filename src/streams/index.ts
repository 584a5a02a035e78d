export * from './webStreams.js';
export * from './frameCodec.js';
export * from './messageCodec.js';
