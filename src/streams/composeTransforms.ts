/**
 * Chains TransformStreams into one, and reports when each stage has finished.
 *
 * Stages are joined by `pump` (pipeTo semantics: backpressure hop by hop,
 * errors forward, cancellation backward, settling only after the cancel/abort
 * it triggered has settled). A pump closes the next stage without waiting for
 * that close: a link that waited would settle only once everything after it
 * had drained, so a fast stage would look busy until the slowest stage after
 * it finished. This way "stage i's link settled" means exactly "stage i has
 * no work left", which lets each extension session close as soon as its own
 * work is done. A last stage that cannot report its own end is linked to an
 * identity tail for the same reason.
 */

import { pump } from './pump.js';

/**
 * A stage that can report its own end and be torn down directly (the ordered
 * chain can). With such a last stage no identity tail is needed.
 */
export interface TrackedTransform<I, O> extends TransformStream<I, O> {
  /** Settles (never rejects) once the stage has no work left. */
  readonly done?: Promise<void>;
  /** Stops the stage now; both its ends error with `reason`. */
  abort?(reason: unknown): void;
}

export interface ComposedTransform<I, O> extends TransformStream<I, O> {
  /** One promise per stage (never rejects): settles once that stage has ended, whether closed, errored or cancelled. */
  readonly stageDone: readonly Promise<void>[];
  /** Tears every stage down: in-flight work is aborted, both ends error with `reason`. */
  abort(reason?: unknown): void;
}

/**
 * @example
 * const both = composeTransforms<Frame, Frame>([stageToTransform(a), stageToTransform(b)]);
 * await source.pipeThrough(both).pipeTo(sink);
 * await Promise.all(both.stageDone);
 */
export function composeTransforms<I, O>(stages: readonly TrackedTransform<unknown, unknown>[]): ComposedTransform<I, O> {
  const last = stages[stages.length - 1];
  // A tail is only needed to observe the last stage's end when it cannot report it itself.
  let tailController: TransformStreamDefaultController<O> | undefined;
  const tail =
    last?.done && last.abort
      ? undefined
      : new TransformStream<O, O>({
          start: (controller) => {
            tailController = controller;
          },
        });
  const hops: WritableStream<unknown>[] = stages.slice(1).map((stage) => stage.writable);
  if (tail) hops.push(tail.writable as WritableStream<unknown>);
  // One controller per pipe: a shared signal would collect a listener per pipe (and warnings past 10).
  const aborts: AbortController[] = [];
  const stageDone: Promise<void>[] = [];
  for (let i = 0; i < stages.length; i++) {
    const next = hops[i];
    if (!next) {
      stageDone.push(stages[i]!.done!);
      break;
    }
    const abort = new AbortController();
    aborts.push(abort);
    const pipeDone = pump(stages[i]!.readable, next, abort.signal);
    stageDone.push(stages[i]!.done ?? pipeDone);
  }
  const head = (stages[0]?.writable ?? tail!.writable) as WritableStream<I>;
  return {
    writable: head,
    readable: (tail?.readable ?? last!.readable) as ReadableStream<O>,
    stageDone,
    abort(reason?: unknown) {
      const why = reason ?? new DOMException('pipeline aborted', 'AbortError');
      for (const abort of aborts) abort.abort(why);
      for (const stage of stages) stage.abort?.(why);
      // With no stage there is no pipe to abort: error the tail directly.
      if (stages.length === 0) tailController?.error(why);
    },
  };
}
