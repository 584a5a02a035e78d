export * from './concatMapEager.js';
export * from './toReadableStream.js';
export * from './fromReadableStream.js';
export * from './operatorToTransform.js';
export * from './transformToOperator.js';
export * from './fromOperator.js';
export * from './stageToOperator.js';
export * from './applyExtensions.js';
