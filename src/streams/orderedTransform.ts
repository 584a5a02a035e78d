/**
 * The order-preserving concurrent stage: up to `concurrency` items in flight,
 * finishing in any order, emitted in input order.
 *
 * It is built from a WritableStream and a ReadableStream rather than a
 * TransformStream because a TransformStream hides the writable controller's
 * abort signal: `writer.abort()` would wait for a slow in-flight item before
 * the transformer heard of it. Here an abort reaches the items' AbortSignals
 * at once. The result is a `{ writable, readable }` pair, which is all
 * `pipeThrough` and the TransformStream type ask for.
 */
import { checkConcurrency, checkHighWaterMark, type OrderedContext } from './orderedSlots.js';
import { OrderedChain, type OrderedLevel } from './orderedChain.js';

export type { OrderedContext } from './orderedSlots.js';

export interface OrderedTransformOptions {
  /** Items whose work may run at once (default 1). */
  concurrency?: number;
  /** Outputs buffered for a slow reader before the writer is held back (default 0, like TransformStream). */
  readableHighWaterMark?: number;
  /**
   * Inputs queued before writers see backpressure (default 1, like
   * TransformStream; at least 1: `pipeTo` waits forever on a writable with no room).
   */
  writableHighWaterMark?: number;
}

/**
 * Applies `fn` to every item, up to `concurrency` at once, and emits the
 * results in input order. Memory stays bounded: at most `concurrency` items
 * are in flight, at most `writableHighWaterMark` wait in front of them and
 * the reader's buffer is only refilled while it is below
 * `readableHighWaterMark`, so a slow reader stops the writer.
 *
 * If item k fails, items before k are still emitted, then the readable errors
 * with k's error; later items are aborted (their `signal` fires), awaited and
 * dropped. Cancelling the readable or aborting the writable aborts and awaits
 * all in-flight work the same way.
 *
 * @example
 * const lengths = orderedTransform(
 *   async (url: string, { signal }) => (await fetch(url, { signal })).headers.get('content-length'),
 *   { concurrency: 4 },
 * );
 * await urls.pipeThrough(lengths).pipeTo(sink);
 */
export function orderedTransform<I, O>(
  fn: (item: I, context: OrderedContext) => O | PromiseLike<O>,
  options: OrderedTransformOptions = {},
): TransformStream<I, O> {
  const concurrency = checkConcurrency(options.concurrency, 1);
  return new OrderedStage<I, O>([{ fn, flat: false, concurrency }], options).pair;
}

/**
 * Like `orderedTransform`, but each item yields zero or more outputs (an
 * iterable, e.g. an array), emitted in place of the item.
 *
 * @example
 * const split = orderedFlatTransform((line: string) => line.split(' '));
 * // 'a b', 'c'  →  'a', 'b', 'c'
 */
export function orderedFlatTransform<I, O>(
  fn: (item: I, context: OrderedContext) => Iterable<O> | PromiseLike<Iterable<O>>,
  options: OrderedTransformOptions = {},
): TransformStream<I, O> {
  const concurrency = checkConcurrency(options.concurrency, 1);
  return new OrderedStage<I, O>([{ fn, flat: true, concurrency }], options).pair;
}

/** A TransformStream over a chain of ordered levels, with a promise per level telling when its work is done. */
export interface OrderedChainTransform<I, O> extends TransformStream<I, O> {
  readonly levelDone: readonly Promise<void>[];
  /** The last level's `levelDone`: the whole chain has no work left. */
  readonly done: Promise<void>;
  /** Stops the chain now: in-flight work is aborted, both ends error with `reason`. */
  abort(reason: unknown): void;
}

/**
 * Runs several ordered levels as one stream: each level's outputs feed the
 * next directly, without a stream hop between them; each keeps its own
 * concurrency and sees its items in order. `concurrency` in `options` is
 * ignored (each level has its own).
 *
 * @example
 * const both = orderedChainTransform<string, number>([
 *   { fn: (s: string) => s.split(','), flat: true, concurrency: 1 },
 *   { fn: async (part: string) => Number(part), flat: false, concurrency: 4 },
 * ]);
 */
export function orderedChainTransform<I, O>(
  levels: readonly OrderedLevel[],
  options: Omit<OrderedTransformOptions, 'concurrency'> = {},
): OrderedChainTransform<I, O> {
  for (const level of levels) checkConcurrency(level.concurrency, 1);
  const stage = new OrderedStage<I, O>(levels, options);
  const levelDone = levels.map((_, i) => stage.chain.levelDone(i));
  return { ...stage.pair, levelDone, done: levelDone[levelDone.length - 1]!, abort: (reason) => stage.abort(reason) };
}


class OrderedStage<I, O> {
  readonly pair: TransformStream<I, O>;
  readonly chain: OrderedChain<I, O>;
  readonly #readableHighWaterMark: number;
  #readable!: ReadableStreamDefaultController<O>;
  #writable!: WritableStreamDefaultController;
  /** The reader has enough buffered; like TransformStream, starts as true until the first pull. */
  #backpressure = true;
  /** Counts pull() calls, to tell whether an enqueue made the stream pull again. */
  #pulls = 0;
  /** Wakes the one pending write/close (the WritableStream serialises them). */
  #wake: (() => void) | undefined;
  /** Set once the stage stops: by an item's error, a cancel or an abort. */
  #ended = false;
  #endReason: unknown;
  /** Resolves once in-flight work after the end has settled. */
  #drained: Promise<void> = Promise.resolve();
  /** An error waiting for the reader to take the items before it. */
  #pendingError: { error: unknown } | undefined;

  constructor(levels: readonly OrderedLevel[], options: Omit<OrderedTransformOptions, 'concurrency'>) {
    this.#readableHighWaterMark = checkHighWaterMark('readableHighWaterMark', options.readableHighWaterMark, 0);
    const writableHighWaterMark = checkHighWaterMark('writableHighWaterMark', options.writableHighWaterMark, 1, 1);
    this.chain = new OrderedChain<I, O>(levels, {
      emit: (output) => this.#enqueue(output),
      changed: () => this.#wakeWriter(),
      failed: (error) => this.#failed(error),
    });
    const writable = new WritableStream<I>(
      {
        start: (controller) => {
          this.#writable = controller;
          // Fires as soon as abort() is called, even while a write is pending.
          controller.signal?.addEventListener('abort', () => this.#end(controller.signal.reason));
        },
        write: (item) => this.#write(item),
        close: () => this.#close(),
        abort: async (reason) => {
          this.#end(reason);
          await this.#drained;
          this.#readable.error(reason);
        },
      },
      { highWaterMark: writableHighWaterMark },
    );
    const readable = new ReadableStream<O>(
      {
        start: (controller) => {
          this.#readable = controller;
        },
        pull: () => this.#pull(),
        cancel: async (reason) => {
          this.#end(reason);
          this.#writable.error(reason);
          await this.#drained;
        },
      },
      { highWaterMark: this.#readableHighWaterMark },
    );
    this.pair = { writable, readable };
  }

  #canStart(): boolean {
    return !this.#backpressure && this.chain.canAccept();
  }

  #write(item: I): void | Promise<void> {
    if (!this.#ended && this.#canStart()) {
      this.chain.push(item);
      return;
    }
    return this.#writeWhenReady(item);
  }

  async #writeWhenReady(item: I): Promise<void> {
    while (!this.#ended && !this.#canStart()) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    if (this.#ended) {
      await this.#drained;
      throw this.#endReason;
    }
    this.chain.push(item);
  }

  /**
   * Like TransformStream: an enqueue that leaves the reader's buffer full
   * holds the writer back until the next pull. An enqueue during which the
   * stream itself pulled (a read was waiting) leaves it free, and emitting
   * nothing never blocks (a reader may be waiting for the next item).
   */
  #enqueue(output: O): void {
    const pulls = this.#pulls;
    this.#readable.enqueue(output);
    if (this.#pulls === pulls && (this.#readable.desiredSize ?? 0) <= 0) this.#backpressure = true;
  }

  #pull(): void {
    this.#pulls++;
    this.#backpressure = false;
    if (this.#pendingError && this.#readable.desiredSize === this.#readableHighWaterMark) {
      this.#readable.error(this.#pendingError.error);
      this.#pendingError = undefined;
    }
    this.#wakeWriter();
  }

  async #close(): Promise<void> {
    this.chain.closeInput();
    // A failed chain is idle too, but its error is reported (asynchronously) instead of a close.
    while (!this.#ended && (!this.chain.idle || this.chain.stopped)) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    if (this.#ended) {
      await this.#drained;
      throw this.#endReason;
    }
    this.#readable.close();
  }

  /** The chain failed, everything before the failure was emitted and aborted work has settled. */
  #failed(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endReason = error;
    this.#writable.error(error);
    // Items before the failure may still sit in the reader's buffer: error only once it is empty.
    if (this.#readable.desiredSize === this.#readableHighWaterMark) this.#readable.error(error);
    else this.#pendingError = { error };
    this.#wakeWriter();
  }

  /** Tears the stage down from outside (a pipeline abort): as if both ends were aborted. */
  abort(reason: unknown): void {
    if (this.#ended) return;
    this.#end(reason);
    this.#writable.error(reason);
    void this.#drained.then(() => this.#readable.error(reason));
  }

  /** Cancel or abort: no new work, in-flight work aborted; `#drained` tells when it has settled. */
  #end(reason: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endReason = reason;
    this.#drained = this.chain.end(reason);
    this.#wakeWriter();
  }

  #wakeWriter(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
