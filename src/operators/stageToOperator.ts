/**
 * Adapts any of the four stage forms of the extension contract to an Rx
 * operator over frames — the mirror of `stageToTransform` in `src/streams`,
 * sharing its per-frame steps so both behave the same.
 */
import type { OperatorFunction } from 'rxjs';
import type { Frame } from '../protocol/frame.js';
import type { Stage } from '../protocol/extension.js';
import { stageLevel } from '../streams/stageStream.js';
import { orderedChainOperator } from './orderedChainOperator.js';
import { transformToOperator } from './transformToOperator.js';

/**
 * - `operator` stages are used as they are;
 * - `transform` stages run through a fresh TransformStream per subscription;
 * - `frame` / `message` stages run on the same ordering engine as the stream
 *   form, with the stage's `concurrency` (default 1): results in wire order,
 *   control frames in position (on its own; `applyExtensions` routes them
 *   around its stages), errors as `ExtensionError` unless already typed.
 *
 * @example
 * frames$.pipe(stageToOperator(session.outgoing)).subscribe(send);
 */
export function stageToOperator(stage: Stage): OperatorFunction<Frame, Frame> {
  switch (stage.kind) {
    case 'operator':
      return stage.operator as unknown as OperatorFunction<Frame, Frame>;
    case 'transform':
      return transformToOperator(() => stage.create());
    case 'frame':
    case 'message':
      return orderedChainOperator<Frame, Frame>(() => [stageLevel(stage)!]);
    default:
      throw new TypeError(`unknown stage kind ${JSON.stringify((stage as { kind?: unknown }).kind)}`);
  }
}
