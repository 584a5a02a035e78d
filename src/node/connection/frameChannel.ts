/**
 * Runs data frames through one direction's extension stages and hands the
 * results on, in wire order. This file only decides how to call the
 * pipeline's code, never re-implements it:
 *   - no stages: frames go straight on;
 *   - only `frame`/`message` stages (permessage-deflate's are): the
 *     pipeline's sans-I/O ordering engine (`OrderedChain`, one level per
 *     stage, built by `stageLevel`) is driven directly. A stage that answers
 *     synchronously costs a function call, so the frames of one socket read
 *     pass without a promise or stream hop each;
 *   - any `transform`/`operator` stage: the pipeline's composed streams
 *     (`fuseStages` + `composeTransforms`), consecutive function stages still
 *     fused into one chain.
 */
import type { Frame } from '../../protocol/frame.js';
import type { Stage } from '../../protocol/extension.js';
import { OrderedChain, type OrderedChainHooks, type OrderedLevel } from '../../streams/orderedChain.js';
import { fuseStages, stageLevel } from '../../streams/stageStream.js';
import { composeTransforms } from '../../streams/composeTransforms.js';

/** One direction of extension processing, as the connection drives it. */
export interface FrameChannel {
  /**
   * Feeds one data frame. Returns a promise when the caller must wait before
   * pushing the next frame (async work in flight or stream backpressure).
   * Stage errors reach the `onError` given at creation.
   */
  push(frame: Frame): void | Promise<void>;
  /** No more frames: resolves once everything pushed has been delivered. */
  end(): Promise<void>;
  /** Tears the direction down (connection failed): in-flight work is aborted. */
  abort(reason: unknown): void;
  /** Nothing pushed is still in flight (always false for the stream form, which cannot tell). */
  readonly idle: boolean;
}

/** Where a channel's output goes (an object, not a callback: no closure per connection). */
export interface FrameSink {
  deliver(frame: Frame): void;
}

const DONE: Promise<void> = Promise.resolve();

/**
 * Builds the channel for `stages`, given in the order frames meet them.
 * @example
 * const channel = createFrameChannel(sessions.map((s) => s.outgoing), { deliver: (f) => writer.write(f) }, fail);
 * channel.push(frame);
 */
export function createFrameChannel(stages: readonly Stage[], sink: FrameSink, onError: (error: unknown) => void): FrameChannel {
  if (stages.length === 0) return new PassChannel(sink);
  const levels: OrderedLevel[] = [];
  for (const stage of stages) {
    const level = stageLevel(stage);
    if (level === undefined) return new StreamChannel(stages, sink, onError);
    levels.push(level);
  }
  return new ChainChannel(levels, sink, onError);
}

/** No extensions in this direction. */
class PassChannel implements FrameChannel {
  readonly idle = true;
  constructor(private readonly sink: FrameSink) {}
  push(frame: Frame): void {
    this.sink.deliver(frame);
  }
  end(): Promise<void> {
    return DONE;
  }
  abort(): void {}
}

/** Function stages on the ordering engine; the channel is the engine's hooks object. */
class ChainChannel implements FrameChannel, OrderedChainHooks<Frame> {
  readonly #chain: OrderedChain<Frame, Frame>;
  readonly #last: number;
  #room: (() => void) | null = null;
  #roomPromise: Promise<void> | null = null;

  constructor(
    levels: readonly OrderedLevel[],
    private readonly sink: FrameSink,
    private readonly onError: (error: unknown) => void,
  ) {
    this.#chain = new OrderedChain<Frame, Frame>(levels, this);
    this.#last = levels.length - 1;
  }

  get idle(): boolean {
    return this.#chain.idle;
  }

  push(frame: Frame): void | Promise<void> {
    this.#chain.push(frame);
    if (this.#chain.canAccept() || this.#chain.stopped) return;
    return (this.#roomPromise ??= new Promise<void>((resolve) => (this.#room = resolve)));
  }

  end(): Promise<void> {
    this.#chain.closeInput();
    return this.#chain.levelDone(this.#last);
  }

  abort(reason: unknown): void {
    void this.#chain.end(reason);
    this.changed();
  }

  /** Hook: a frame left the last stage. */
  emit(frame: Frame): void {
    this.sink.deliver(frame);
  }

  /** Hook: async work settled; a waiting producer may go on. */
  changed(): void {
    if (this.#room !== null && (this.#chain.canAccept() || this.#chain.stopped)) {
      const room = this.#room;
      this.#room = null;
      this.#roomPromise = null;
      room();
    }
  }

  /** Hook: a stage failed (everything before it has been emitted). */
  failed(error: unknown): void {
    this.onError(error);
    this.changed();
  }
}

/** The general form: the stages as the pipeline's composed streams. */
class StreamChannel implements FrameChannel {
  readonly idle = false;
  readonly #writer: WritableStreamDefaultWriter<Frame>;
  readonly #done: Promise<void>;
  readonly #abort: (reason: unknown) => void;

  constructor(stages: readonly Stage[], sink: FrameSink, onError: (error: unknown) => void) {
    const composed = composeTransforms<Frame, Frame>(fuseStages(stages).parts as TransformStream<unknown, unknown>[]);
    this.#abort = (reason) => composed.abort(reason);
    this.#writer = composed.writable.getWriter();
    const reader = composed.readable.getReader();
    this.#done = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        sink.deliver(value);
      }
    })();
    this.#done.catch(onError);
  }

  push(frame: Frame): void | Promise<void> {
    this.#writer.write(frame).catch(() => undefined); // failures surface through the reading side
    if (this.#writer.desiredSize !== null && this.#writer.desiredSize <= 0) {
      return this.#writer.ready.catch(() => undefined);
    }
  }

  end(): Promise<void> {
    this.#writer.close().catch(() => undefined);
    return this.#done;
  }

  abort(reason: unknown): void {
    this.#abort(reason);
  }
}
