/**
 * Adapts any of the four stage forms of the extension contract to a
 * TransformStream<Frame, Frame>, so the pipeline composes them uniformly.
 */
import type { Frame } from '../protocol/frame.js';
import type { Stage } from '../protocol/extension.js';
import { orderedFlatTransform } from './orderedTransform.js';
import { frameStep, messageStep } from './stageSteps.js';

/**
 * - `transform` and `operator` stages already know how to make a stream: `create()`.
 * - `frame` stages run per data frame with `stage.concurrency` (default 1) in
 *   flight, results in wire order; control frames keep their position untouched.
 * - `message` stages get whole messages (data frames joined) and their result
 *   goes out as one fin frame with the opcode and RSV bits of the returned message.
 *
 * Errors thrown by `process` surface as `ExtensionError` (1010) unless they
 * are already a `WebSocketError`.
 *
 * @example
 * const upper: FrameStage = {
 *   kind: 'frame',
 *   process: (frame) => ({ ...frame, payload: frame.payload.map((b) => (b >= 97 && b <= 122 ? b - 32 : b)) }),
 * };
 * const frames = source.pipeThrough(stageToTransform(upper));
 */
export function stageToTransform(stage: Stage): TransformStream<Frame, Frame> {
  switch (stage.kind) {
    case 'transform':
    case 'operator':
      return stage.create();
    case 'frame':
      return orderedFlatTransform(frameStep(stage), { concurrency: stage.concurrency ?? 1 });
    case 'message':
      return orderedFlatTransform(messageStep(stage), { concurrency: stage.concurrency ?? 1 });
    default:
      throw new TypeError(`unknown stage kind ${JSON.stringify((stage as { kind?: unknown }).kind)}`);
  }
}
