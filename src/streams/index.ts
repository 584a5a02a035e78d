export * from './webStreams.js';
export * from './frameCodec.js';
export * from './messageCodec.js';
export * from './orderedTransform.js';
export * from './composeTransforms.js';
export * from './stageSteps.js';
export * from './stageStream.js';
export * from './extensionPipeline.js';
