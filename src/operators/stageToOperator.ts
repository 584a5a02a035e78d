/**
 * Adapts any of the four stage forms of the extension contract to an Rx
 * operator over frames — the mirror of `stageToTransform` in `src/streams`,
 * sharing its per-frame steps so both behave the same.
 */
import { defer, from, mergeAll, type Observable, type ObservableInput, type OperatorFunction } from 'rxjs';
import type { Frame } from '../protocol/frame.js';
import type { Stage } from '../protocol/extension.js';
import { isThenable } from '../streams/orderedSlots.js';
import { frameStep, messageStep, type StageStep } from '../streams/stageSteps.js';
import { concatMapEager } from './concatMapEager.js';
import { transformToOperator } from './transformToOperator.js';

/**
 * - `operator` stages are used as they are;
 * - `transform` stages run through a fresh TransformStream per subscription;
 * - `frame` / `message` stages run through `concatMapEager` with the stage's
 *   `concurrency` (default 1): results in wire order, control frames in
 *   position, errors as `ExtensionError` unless already typed.
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
      return stepOperator(() => frameStep(stage), stage.concurrency ?? 1);
    case 'message':
      return stepOperator(() => messageStep(stage), stage.concurrency ?? 1);
    default:
      throw new TypeError(`unknown stage kind ${JSON.stringify((stage as { kind?: unknown }).kind)}`);
  }
}

/** A fresh step per subscription (the message step holds assembler state). */
function stepOperator(makeStep: () => StageStep, concurrency: number): OperatorFunction<Frame, Frame> {
  return (source: Observable<Frame>) =>
    defer(() => {
      const step = makeStep();
      return source.pipe(
        concatMapEager((frame: Frame, _index: number, signal: AbortSignal): ObservableInput<Frame> => {
          const frames = step(frame, { signal });
          return isThenable(frames) ? from(frames).pipe(mergeAll()) : frames;
        }, concurrency),
      );
    });
}
