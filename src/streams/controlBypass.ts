/**
 * The stream adapter over `ControlRouter`: one direction's stages with
 * control frames going around them, out as soon as they are written (a Close
 * after the data before it; see `controlRouter.ts` for the ordering rules).
 *
 * No stream hop is added on the way out: the stages end in an ordered-chain
 * stage (`OrderedStage`; the pipeline appends an identity one when the last
 * stage is a stream), and control frames are put straight into its readable
 * (`OrderedOutput.inject`), which also tells when the stages have emitted
 * their last frame (`drained`) — the moment a Close may go.
 *
 * The way in is a WritableStream of its own, not the stages' writable: a
 * stream runs its writes one after another, so a ping would queue behind a
 * data frame waiting for a slow stage. Here a data write completes as soon
 * as the stages have taken the frame (their `writer.ready`), so at most one
 * frame waits beyond their capacity, and a control frame written after it is
 * routed at once. A control write waits while `controlHighWaterMark` or more
 * frames are unread.
 */
import type { Frame } from '../protocol/frame.js';
import { checkHighWaterMark } from './orderedSlots.js';
import type { OrderedOutput } from './orderedOutput.js';
import { ControlRouter } from './controlRouter.js';

/** The stages of one direction, as the bypass drives them. */
export interface BypassedStages {
  readonly writable: WritableStream<Frame>;
  readonly readable: ReadableStream<Frame>;
  /** The readable end of the last stage (an ordered chain), where control frames are put. */
  readonly output: OrderedOutput<Frame>;
  /** Tears the stages down (both ends error with `reason`, in-flight work aborted). */
  abort(reason: unknown): void;
}

export interface ControlBypassOptions {
  /** Unread frames before a control write waits for the reader (default 16). */
  readonly controlHighWaterMark?: number;
}

export interface ControlBypass extends TransformStream<Frame, Frame> {
  /** Stops the direction now: the stages are aborted, both ends error with `reason`. */
  abort(reason: unknown): void;
}

const ignore = (): void => {};

/**
 * @example
 * const parts = [...fuseStages(sessions.map((s) => s.outgoing)).parts];
 * const stages = composeTransforms<Frame, Frame>(parts); // last part: an orderedChainTransform
 * const outgoing = bypassControlFrames({ ...stages, output: parts.at(-1)!.output, abort: stages.abort });
 * frames.pipeThrough(outgoing).pipeTo(socket); // a ping written mid-message is not held by the stages
 */
export function bypassControlFrames(stages: BypassedStages, options: ControlBypassOptions = {}): ControlBypass {
  const bypass = new Bypass(stages, checkHighWaterMark('controlHighWaterMark', options.controlHighWaterMark, 16, 1));
  return { writable: bypass.writable, readable: stages.readable, abort: (reason) => bypass.stop(reason) };
}

class Bypass {
  readonly writable: WritableStream<Frame>;
  readonly #stages: BypassedStages;
  readonly #dataWriter: WritableStreamDefaultWriter<Frame>;
  readonly #router: ControlRouter;
  readonly #controlLimit: number;
  #in!: WritableStreamDefaultController;
  #dataClosed: Promise<void> | undefined;
  /** Resolved when the input has ended (or the direction stopped): the output may then close. */
  readonly #inputEnded: Promise<void>;
  #endInput!: () => void;
  #ended = false;
  #endReason: unknown;
  /** Control writes waiting for the reader. */
  #waiters: (() => void)[] = [];

  constructor(stages: BypassedStages, controlLimit: number) {
    this.#stages = stages;
    this.#controlLimit = controlLimit;
    this.#dataWriter = stages.writable.getWriter();
    this.#inputEnded = new Promise<void>((resolve) => (this.#endInput = resolve));
    this.#router = new ControlRouter({ emit: (frame) => void stages.output.inject(frame) });
    stages.output.attach({
      pulled: () => this.#wake(),
      // The stages emitted their last frame: a held Close goes now; later control frames until the input ends.
      drained: () => {
        this.#router.dataEnded();
        return this.#inputEnded;
      },
    });
    // A failing stage (or a cancelled reader) errors the stages' writable: stop taking input too, so an
    // upstream pipe stops. The readable reports the error itself, after the frames emitted before it.
    this.#dataWriter.closed.catch((error: unknown) => this.#inputFailed(error));
    this.writable = new WritableStream<Frame>(
      {
        start: (controller) => {
          this.#in = controller;
          // Heard as soon as abort() is called, even while a write waits for the stages. The abort
          // errors this writable itself: erroring it again from inside the abort signal trips an
          // internal assertion in Node 20's writableStreamAbort (it does not re-check the state).
          controller.signal?.addEventListener('abort', () => this.stop(controller.signal.reason, false));
        },
        write: (frame) => this.#write(frame),
        close: () => this.#close(),
        abort: (reason) => this.stop(reason),
      },
      { highWaterMark: 1 },
    );
  }

  /** Synchronous while the stages have room: a promise per frame here would cost as much as a stream hop. */
  #write(frame: Frame): void | Promise<void> {
    if (this.#ended) throw this.#endReason;
    // The reader may be gone while the stages' input is already closed (after a Close): refuse, don't drop.
    const stopped = this.#stages.output.stopped;
    if (stopped) {
      this.#inputFailed(stopped.reason);
      throw stopped.reason;
    }
    let route;
    try {
      route = this.#router.route(frame);
    } catch (error) {
      // Data after a Close: the direction stops (the connection fails with 1002 anyway).
      this.stop(error);
      throw error;
    }
    if (route === 'data') {
      // Only the stages' own readiness is awaited: once they took the frame, later control frames pass.
      if ((this.#dataWriter.desiredSize ?? 0) > 0) return this.#toStages(frame);
      return this.#writeWhenReady(frame);
    }
    if (route === 'end-data') void this.#endData();
    // Control backpressure: a reader that does not read holds the writer after a few frames.
    if (this.#controlRoom()) return;
    return this.#until(() => this.#controlRoom()).then(() => {
      if (this.#ended) throw this.#endReason;
    });
  }

  async #writeWhenReady(frame: Frame): Promise<void> {
    try {
      await this.#dataWriter.ready;
    } catch (error) {
      throw this.#ended ? this.#endReason : error;
    }
    if (this.#ended) throw this.#endReason;
    this.#toStages(frame);
  }

  #toStages(frame: Frame): void {
    this.#dataWriter.write(frame).catch(ignore); // a failure errors the stages' writable, handled above
  }

  #controlRoom(): boolean {
    return (this.#stages.output.desiredSize ?? 0) > -this.#controlLimit;
  }

  /** No more data for the stages (input closed, or a Close frame). */
  #endData(): Promise<void> {
    if (this.#dataClosed === undefined) {
      this.#dataClosed = this.#dataWriter.close();
      this.#dataClosed.catch(ignore); // a failure is reported through the stages' ends
    }
    return this.#dataClosed;
  }

  /** Like a TransformStream: done once the stages took the end, not once the reader has read everything. */
  async #close(): Promise<void> {
    this.#endInput();
    try {
      await this.#endData();
    } catch (error) {
      throw this.#ended ? this.#endReason : error;
    }
    if (this.#ended) throw this.#endReason;
  }

  /** The stages refuse input (one failed, or the reader cancelled). */
  #inputFailed(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endReason = error;
    this.#in.error(error);
    this.#endInput();
    this.#wake();
  }

  /** Abort, a protocol error or a pipeline abort: the stages are torn down and both ends error now. */
  stop(reason: unknown, errorInput = true): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endReason = reason;
    this.#stages.abort(reason);
    this.#dataWriter.abort(reason).catch(ignore);
    if (errorInput) this.#in.error(reason);
    this.#endInput();
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
