/**
 * The stream adapter over `ControlRouter`: wraps one direction's stages (a
 * `{ writable, readable }` of data frames) so that control frames go around
 * them and out as soon as they are written (a Close after the data before
 * it; see `controlRouter.ts` for the ordering rules).
 *
 * Like `OrderedStage` it is a WritableStream and a ReadableStream rather than
 * a TransformStream: a TransformStream runs its writes one after another, so a
 * ping would queue behind a data frame waiting for a slow stage. Here a data
 * write completes as soon as the stages have taken the frame, so a control
 * frame written after it is routed at once.
 *
 * Bounds: data frames are only read from the stages when the reader asks, so
 * the stages' own backpressure holds; a data write waits for the stages'
 * `writer.ready`, so at most one frame waits beyond their capacity. A control
 * frame is enqueued for the reader at once, but its write then waits while
 * `controlHighWaterMark` or more frames are unread.
 */
import type { Frame } from '../protocol/frame.js';
import { checkHighWaterMark } from './orderedSlots.js';
import { ControlRouter } from './controlRouter.js';

/** The stages of one direction, as the wrapper drives them. */
export interface BypassedStages {
  readonly writable: WritableStream<Frame>;
  readonly readable: ReadableStream<Frame>;
  /** Tears the stages down (both ends error with `reason`, in-flight work aborted). */
  abort(reason: unknown): void;
}

export interface ControlBypassOptions {
  /** Unread control frames before a control write waits for the reader (default 16). */
  readonly controlHighWaterMark?: number;
}

export interface ControlBypass extends TransformStream<Frame, Frame> {
  /** Stops the direction now: the stages are aborted, both ends error with `reason`. */
  abort(reason: unknown): void;
}

const ignore = (): void => {};

/**
 * @example
 * const stages = composeTransforms<Frame, Frame>(fuseStages(sessions.map((s) => s.outgoing)).parts);
 * const outgoing = bypassControlFrames(stages);
 * frames.pipeThrough(outgoing).pipeTo(socket); // a ping written mid-message is not held by the stages
 */
export function bypassControlFrames(stages: BypassedStages, options: ControlBypassOptions = {}): ControlBypass {
  const bypass = new Bypass(stages, checkHighWaterMark('controlHighWaterMark', options.controlHighWaterMark, 16, 1));
  return { writable: bypass.writable, readable: bypass.readable, abort: (reason) => bypass.stop(reason) };
}

class Bypass {
  readonly writable: WritableStream<Frame>;
  readonly readable: ReadableStream<Frame>;
  readonly #stages: BypassedStages;
  readonly #dataWriter: WritableStreamDefaultWriter<Frame>;
  readonly #dataReader: ReadableStreamDefaultReader<Frame>;
  readonly #router: ControlRouter;
  readonly #controlLimit: number;
  #out!: ReadableStreamDefaultController<Frame>;
  #in!: WritableStreamDefaultController;
  #reading = false;
  #dataDone = false;
  #inputClosed = false;
  #outputClosed = false;
  #dataClosed: Promise<void> | undefined;
  #ended = false;
  #endReason: unknown;
  /** An error waiting for the reader to take what was emitted before it. */
  #pendingError: { error: unknown } | undefined;
  /** Writers waiting for the reader (control backpressure) or for the end of the output. */
  #waiters: (() => void)[] = [];

  constructor(stages: BypassedStages, controlLimit: number) {
    this.#stages = stages;
    this.#controlLimit = controlLimit;
    this.#dataWriter = stages.writable.getWriter();
    this.#dataReader = stages.readable.getReader();
    this.#router = new ControlRouter({ emit: (frame) => this.#out.enqueue(frame) });
    // A stage failure is noticed even when nobody reads or writes. The input side stops at once; the
    // output errors only through the reader, which first gets every frame the stages emitted before it.
    this.#dataReader.closed.catch((error: unknown) => this.#fail(error));
    this.#dataWriter.closed.catch((error: unknown) => void this.#inputFailed(error));
    this.writable = new WritableStream<Frame>(
      {
        start: (controller) => {
          this.#in = controller;
          // Heard as soon as abort() is called, even while a write waits for the stages.
          controller.signal?.addEventListener('abort', () => this.stop(controller.signal.reason));
        },
        write: (frame) => this.#write(frame),
        close: () => this.#close(),
        abort: (reason) => this.stop(reason),
      },
      { highWaterMark: 1 },
    );
    this.readable = new ReadableStream<Frame>(
      {
        start: (controller) => {
          this.#out = controller;
        },
        pull: () => this.#pull(),
        cancel: (reason) => this.stop(reason),
      },
      { highWaterMark: 0 },
    );
  }

  /** Synchronous while the stages have room: a promise per frame here would cost as much as a stream hop. */
  #write(frame: Frame): void | Promise<void> {
    if (this.#ended) throw this.#endReason;
    let route;
    try {
      route = this.#router.route(frame);
    } catch (error) {
      this.#fail(error);
      throw error;
    }
    if (route === 'data') {
      // Only the stages' own readiness is awaited: once they took the frame, later control frames pass.
      if ((this.#dataWriter.desiredSize ?? 0) > 0) return this.#toStages(frame);
      return this.#writeWhenReady(frame);
    }
    if (route === 'end-data') void this.#endData();
    // Control backpressure: a reader that does not read holds the writer after a few control frames.
    if (this.#controlRoom()) return;
    return this.#until(() => this.#controlRoom()).then(() => {
      if (this.#ended) throw this.#endReason;
    });
  }

  async #writeWhenReady(frame: Frame): Promise<void> {
    try {
      await this.#dataWriter.ready;
    } catch (error) {
      throw this.#ended ? this.#endReason : this.#inputFailed(error);
    }
    if (this.#ended) throw this.#endReason;
    this.#toStages(frame);
  }

  #toStages(frame: Frame): void {
    this.#dataWriter.write(frame).catch(ignore); // a failure errors the stages' ends, seen by both handlers
  }

  #controlRoom(): boolean {
    return (this.#out.desiredSize ?? 0) > -this.#controlLimit;
  }

  /** No more data for the stages (input closed, or a Close frame). */
  #endData(): Promise<void> {
    if (this.#dataClosed === undefined) {
      this.#dataClosed = this.#dataWriter.close();
      this.#dataClosed.catch(ignore); // a failure is reported through the stages' ends
    }
    return this.#dataClosed;
  }

  async #close(): Promise<void> {
    this.#inputClosed = true;
    this.#maybeFinish();
    // Like a TransformStream: done once the stages took the end (the first one flushed), not once
    // the reader has read everything; the output closes after the last frame is read.
    try {
      await this.#endData();
    } catch (error) {
      throw this.#ended ? this.#endReason : error;
    }
    if (this.#ended) throw this.#endReason;
  }

  #pull(): void | Promise<void> {
    this.#wake();
    if (this.#pendingError && this.#out.desiredSize === 0) {
      this.#out.error(this.#pendingError.error);
      this.#pendingError = undefined;
      return;
    }
    if (this.#reading || this.#dataDone || this.#ended) return;
    this.#reading = true;
    // The pull stays pending while the stages work; a control frame enqueued meanwhile still reaches the reader.
    return this.#dataReader.read().then(
      ({ done, value }) => {
        this.#reading = false;
        if (this.#ended) return;
        if (!done) {
          this.#out.enqueue(value);
          return;
        }
        this.#dataDone = true;
        this.#router.dataEnded();
        this.#maybeFinish();
      },
      (error: unknown) => {
        this.#reading = false;
        this.#fail(error);
      },
    );
  }

  /** The output ends once the input has and the stages have emitted their last frame. */
  #maybeFinish(): void {
    if (this.#ended || this.#outputClosed || !this.#inputClosed || !this.#dataDone) return;
    this.#outputClosed = true;
    this.#out.close();
    this.#wake();
  }

  /** The stages refuse input (one failed): the writable errors so an upstream pipe stops. */
  #inputFailed(error: unknown): unknown {
    if (!this.#ended) this.#in.error(error);
    return error;
  }

  /** A stage failed or the input broke the protocol: frames already emitted stay readable, nothing follows. */
  #fail(error: unknown): void {
    if (this.#ended) return;
    this.#end(error);
    this.#in.error(error);
    this.#stages.abort(error);
    if (this.#out.desiredSize === 0) this.#out.error(error);
    else this.#pendingError = { error };
  }

  /** Abort, cancel or a pipeline abort: the stages are torn down and both ends error now. */
  stop(reason: unknown): void {
    if (this.#ended) return;
    this.#end(reason);
    this.#stages.abort(reason);
    this.#in.error(reason);
    if (!this.#outputClosed) this.#out.error(reason);
  }

  #end(reason: unknown): void {
    this.#ended = true;
    this.#endReason = reason;
    this.#dataReader.cancel(reason).catch(ignore);
    this.#dataWriter.abort(reason).catch(ignore);
    this.#wake();
  }

  /** Resolves once `ready()` holds or the direction has ended (checked on every pull and end). */
  async #until(ready: () => boolean): Promise<void> {
    while (!this.#ended && !ready()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
