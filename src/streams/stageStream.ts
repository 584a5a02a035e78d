/**
 * Adapts any of the four stage forms of the extension contract to a
 * TransformStream<Frame, Frame>, so the pipeline composes them uniformly.
 */
import type { Frame } from '../protocol/frame.js';
import type { Stage } from '../protocol/extension.js';
import type { OrderedLevel } from './orderedChain.js';
import type { TrackedTransform } from './composeTransforms.js';
import { checkConcurrency } from './orderedSlots.js';
import { orderedChainTransform } from './orderedTransform.js';
import { frameStep, messageStep } from './stageSteps.js';

/**
 * - `transform` and `operator` stages already know how to make a stream: `create()`.
 * - `frame` stages run per data frame with `stage.concurrency` (default 1) in
 *   flight, results in wire order; control frames keep their position untouched
 *   (a single stage used on its own; a pipeline routes them around its stages).
 * - `message` stages get whole messages (data frames joined) and their result
 *   goes out as one fin frame with the opcode and RSV bits of the returned message.
 *
 * Errors thrown by `process` surface as `ExtensionError` (1011) unless they
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
  const level = stageLevel(stage);
  if (level) return orderedChainTransform<Frame, Frame>([level]);
  if (stage.kind === 'transform' || stage.kind === 'operator') return stage.create();
  throw new TypeError(`unknown stage kind ${JSON.stringify((stage as { kind?: unknown }).kind)}`);
}

/**
 * The ordered-chain level of a `frame` or `message` stage (undefined for the
 * stream-shaped forms). Holds fresh state (a message assembler): one per run.
 *
 * @example
 * const levels = sessions.map((s) => stageLevel(s.outgoing)!);
 * const stream = orderedChainTransform<Frame, Frame>(levels);
 */
export function stageLevel(stage: Stage): OrderedLevel | undefined {
  switch (stage.kind) {
    case 'frame':
      return { fn: frameStep(stage), flat: true, concurrency: checkConcurrency(stage.concurrency, 1) };
    case 'message':
      return { fn: messageStep(stage), flat: true, concurrency: checkConcurrency(stage.concurrency, 1) };
    default:
      return undefined;
  }
}

/** Stages turned into as few streams as possible, and how to tell when each stage is done. */
export interface FusedStages {
  readonly parts: readonly TrackedTransform<Frame, Frame>[];
  /** Given a "done" promise per part, the "done" promise of each original stage. */
  stageDone(partDone: readonly Promise<void>[]): Promise<void>[];
}

/**
 * Runs of consecutive `frame`/`message` stages become one ordered chain
 * stream (one level per stage, no stream hop between them); other stages are
 * streams of their own. Order, per-stage concurrency and per-stage completion
 * are the same as with one stream per stage.
 *
 * @example
 * const fused = fuseStages(sessions.map((s) => s.outgoing)); // [frame, frame, transform, message] → 3 parts
 * const composed = composeTransforms<Frame, Frame>(fused.parts);
 * const perStage = fused.stageDone(composed.stageDone);
 */
export function fuseStages(stages: readonly Stage[]): FusedStages {
  const parts: TrackedTransform<Frame, Frame>[] = [];
  // For each stage: its part, and for chained stages the promise of its level.
  const owners: { part: number; levelDone?: Promise<void> }[] = [];
  let run: OrderedLevel[] = [];
  let runStart = 0;
  const closeRun = () => {
    if (run.length === 0) return;
    const chain = orderedChainTransform<Frame, Frame>(run);
    run.forEach((_, i) => (owners[runStart + i] = { part: parts.length, levelDone: chain.levelDone[i]! }));
    parts.push(chain);
    run = [];
  };
  stages.forEach((stage, i) => {
    const level = stageLevel(stage);
    if (level) {
      if (run.length === 0) runStart = i;
      run.push(level);
      return;
    }
    closeRun();
    owners[i] = { part: parts.length };
    parts.push(stageToTransform(stage));
  });
  closeRun();
  return {
    parts,
    stageDone: (partDone) => owners.map((owner) => owner.levelDone ?? partDone[owner.part]!),
  };
}
