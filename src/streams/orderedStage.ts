/**
 * The stream adapter over `OrderedChain`: a WritableStream feeding the chain
 * and a ReadableStream its outputs go to, with TransformStream-like
 * backpressure.
 *
 * It is built from a WritableStream and a ReadableStream rather than a
 * TransformStream because a TransformStream hides the writable controller's
 * abort signal: `writer.abort()` would wait for a slow in-flight item before
 * the transformer heard of it. Here an abort reaches the items' AbortSignals
 * at once. The result is a `{ writable, readable }` pair, which is all
 * `pipeThrough` and the TransformStream type ask for.
 */
import { checkHighWaterMark } from './orderedSlots.js';
import { OrderedChain, type OrderedLevel } from './orderedChain.js';
import type { OrderedOutput, OrderedOutputHooks } from './orderedOutput.js';

export interface OrderedStageOptions {
  readableHighWaterMark?: number;
  writableHighWaterMark?: number;
}

export class OrderedStage<I, O> implements OrderedOutput<O> {
  readonly pair: TransformStream<I, O>;
  readonly chain: OrderedChain<I, O>;
  #hooks: OrderedOutputHooks | undefined;
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

  constructor(levels: readonly OrderedLevel[], options: OrderedStageOptions) {
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

  inject(item: O): boolean {
    if (this.#ended) return false;
    this.#readable.enqueue(item);
    return true;
  }

  get desiredSize(): number | null {
    return this.#readable.desiredSize;
  }

  get stopped(): { readonly reason: unknown } | undefined {
    return this.#ended ? { reason: this.#endReason } : undefined;
  }

  attach(hooks: OrderedOutputHooks): void {
    this.#hooks = hooks;
  }

  #pull(): void {
    this.#hooks?.pulled();
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
    const hold = this.#ended ? undefined : this.#hooks?.drained();
    if (hold) {
      let released = false;
      const release = () => {
        released = true;
        this.#wakeWriter();
      };
      void hold.then(release, release);
      while (!this.#ended && !released) await new Promise<void>((resolve) => (this.#wake = resolve));
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
