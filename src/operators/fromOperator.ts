/**
 * Builds the `operator` form of an extension stage. The stage carries its
 * TransformStream twin (`create()`), made here, so `src/streams` can run an
 * operator stage without importing rxjs.
 */
import type { OperatorFunction } from 'rxjs';
import type { Frame } from '../protocol/frame.js';
import type { OperatorStage } from '../protocol/extension.js';
import { operatorToTransform, type OperatorTransformOptions } from './operatorToTransform.js';

/**
 * @example
 * import { map } from 'rxjs';
 * const tagged: OperatorStage = fromOperator(map((frame: Frame) => ({ ...frame, rsv3: true })));
 * const session = { name: 'x-tag', params: [], rsv: { rsv3: true }, outgoing: tagged, incoming: untag, close() {} };
 */
export function fromOperator(operator: OperatorFunction<Frame, Frame>, options?: OperatorTransformOptions): OperatorStage {
  return {
    kind: 'operator',
    operator,
    create: () => operatorToTransform(operator, options),
  };
}
