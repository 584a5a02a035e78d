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
import { checkConcurrency, checkHighWaterMark, type OrderedContext, Slot, whenSettled } from './orderedSlots.js';

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
  return new OrderedStage<I, O, O>(fn, options, false).pair;
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
  return new OrderedStage<I, O, Iterable<O>>(fn, options, true).pair;
}

class OrderedStage<I, O, R> {
  readonly pair: TransformStream<I, O>;
  readonly #fn: (item: I, context: OrderedContext) => R | PromiseLike<R>;
  readonly #flat: boolean;
  readonly #concurrency: number;
  readonly #readableHighWaterMark: number;
  #readable!: ReadableStreamDefaultController<O>;
  #writable!: WritableStreamDefaultController;
  /** Started items not yet emitted, in input order. */
  #slots: Slot<R>[] = [];
  #nextIndex = 0;
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
  /** An item failed behind running ones: start nothing more, its successors are doomed. */
  #blocked = false;
  /** An error waiting for the reader to take the items before it. */
  #pendingError: { error: unknown } | undefined;

  constructor(fn: (item: I, context: OrderedContext) => R | PromiseLike<R>, options: OrderedTransformOptions, flat: boolean) {
    this.#fn = fn;
    this.#flat = flat;
    this.#concurrency = checkConcurrency(options.concurrency, 1);
    this.#readableHighWaterMark = checkHighWaterMark('readableHighWaterMark', options.readableHighWaterMark, 0);
    const writableHighWaterMark = checkHighWaterMark('writableHighWaterMark', options.writableHighWaterMark, 1, 1);
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

  #write(item: I): void | Promise<void> {
    if (this.#canStart()) {
      this.#start(item);
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
    this.#start(item);
  }

  #canStart(): boolean {
    return !this.#ended && !this.#backpressure && !this.#blocked && this.#slots.length < this.#concurrency;
  }

  #start(item: I): void {
    const slot = new Slot<R>(this.#nextIndex++);
    slot.run(this.#fn, item, this.#onSettled);
    if (slot.running || this.#slots.length > 0) {
      // A sync result queued behind running items is flushed when they finish.
      this.#slots.push(slot);
      if (slot.failed) this.#blocked = true;
    } else if (slot.failed) {
      this.#fail(slot);
    } else {
      this.#emit(slot.result as R);
    }
  }

  readonly #onSettled = (slot: Slot<R>): void => {
    if (this.#ended) return;
    if (slot.failed) {
      // Later items can no longer be emitted: stop their work now, not when k reaches the head.
      this.#blocked = true;
      const at = this.#slots.indexOf(slot);
      for (let i = at + 1; i < this.#slots.length; i++) this.#slots[i]!.abort(slot.error);
    }
    this.#flush();
    this.#wakeWriter();
  };

  /** Emits finished items from the head, in order, until one is still running. */
  #flush(): void {
    const slots = this.#slots;
    while (slots.length > 0 && !this.#ended) {
      const head = slots[0]!;
      if (head.running) return;
      if (head.failed) return this.#fail(head);
      slots.shift();
      this.#emit(head.result as R);
    }
  }

  #emit(result: R): void {
    if (!this.#flat) return this.#enqueue(result as unknown as O);
    try {
      for (const output of result as Iterable<O>) this.#enqueue(output);
    } catch (error) {
      this.#failWith(error);
    }
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
    while (this.#slots.length > 0 && !this.#ended) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    if (this.#ended) {
      await this.#drained;
      throw this.#endReason;
    }
    this.#readable.close();
  }

  /** Item `slot` failed and everything before it has been emitted. */
  #fail(slot: Slot<R>): void {
    this.#failWith(slot.error);
  }

  #failWith(error: unknown): void {
    if (this.#ended) return;
    this.#end(error);
    void this.#drained.then(() => {
      this.#writable.error(error);
      // Items before k may still sit in the reader's buffer: error only once it is empty.
      if (this.#readable.desiredSize === this.#readableHighWaterMark) this.#readable.error(error);
      else this.#pendingError = { error };
    });
  }

  /** Stops the stage: no new work, in-flight work aborted; `#drained` tells when it has settled. */
  #end(reason: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endReason = reason;
    const slots = this.#slots;
    this.#slots = [];
    for (const slot of slots) slot.abort(reason);
    this.#drained = whenSettled(slots);
    this.#wakeWriter();
  }

  #wakeWriter(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
