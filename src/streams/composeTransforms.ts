/**
 * Chains TransformStreams into one, and reports when each stage has finished.
 *
 * Stages are joined with `pipeTo`, which already carries the semantics a
 * pipeline needs: backpressure hop by hop, errors forward (the next stage's
 * writable is aborted), cancellation backward (the previous readable is
 * cancelled), and a pipe settles only after the cancel/abort it triggered has.
 * Each pipe runs with `preventClose` and closes the next stage itself: a pipe
 * that closed its destination would settle only once that destination had
 * drained too, so a fast stage would look busy until the slowest stage after
 * it finished. This way "stage i's pipe settled" means exactly "stage i has
 * no work left", which lets each extension session close as soon as its own
 * work is done. The last stage is piped into an identity tail for the same reason.
 */

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
export function composeTransforms<I, O>(stages: readonly TransformStream<unknown, unknown>[]): ComposedTransform<I, O> {
  // One controller per pipe: a shared signal would collect a listener per pipe (and warnings past 10).
  const aborts: AbortController[] = [];
  let tailController!: TransformStreamDefaultController<O>;
  const tail = new TransformStream<O, O>({
    start: (controller) => {
      tailController = controller;
    },
  });
  const stageDone: Promise<void>[] = [];
  for (let i = 0; i < stages.length; i++) {
    const next = i + 1 < stages.length ? stages[i + 1]!.writable : tail.writable;
    const abort = new AbortController();
    aborts.push(abort);
    const piped = stages[i]!.readable.pipeTo(next as WritableStream<unknown>, { signal: abort.signal, preventClose: true });
    // The pipe has released `next` once it settles; a clean end is passed on by closing it.
    // Not awaited: closing `next` completes only when the stages after it have drained.
    stageDone.push(piped.then(() => void next.close().catch(ignore), ignore));
  }
  const head = stages.length > 0 ? (stages[0]!.writable as WritableStream<I>) : (tail.writable as unknown as WritableStream<I>);
  return {
    writable: head,
    readable: tail.readable,
    stageDone,
    abort(reason?: unknown) {
      const why = reason ?? new DOMException('pipeline aborted', 'AbortError');
      for (const abort of aborts) abort.abort(why);
      // With no stage there is no pipe to abort: error the tail directly.
      if (stages.length === 0) tailController.error(why);
    },
  };
}

function ignore(): void {}
