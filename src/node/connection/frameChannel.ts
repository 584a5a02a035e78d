/**
 * Runs data frames through one direction's extension stages and hands the
 * results on, in wire order.
 *
 * When every stage is a `frame` or `message` stage (permessage-deflate's are)
 * the pipeline's own per-frame steps (`frameStep`/`messageStep` of
 * `src/streams/stageSteps.ts`) are called directly, synchronously as long as
 * the extension answers synchronously: a socket read carrying 300 small
 * frames costs 300 function calls, not 300 trips through a TransformStream.
 * `transform` and `operator` stages only exist as streams, so a direction
 * that has one runs through the pipeline's composed TransformStreams instead.
 * Either way the extension logic is the pipeline's; this file only decides how
 * to call it. One frame at a time is in flight here (a stage's `concurrency`
 * is an upper bound, 1 always honours it).
 */
import type { Frame } from '../../protocol/frame.js';
import type { Stage, StageContext } from '../../protocol/extension.js';
import { frameStep, messageStep, type StageStep } from '../../streams/stageSteps.js';
import { stageToTransform } from '../../streams/stageStream.js';
import { composeTransforms } from '../../streams/composeTransforms.js';
import { isThenable } from '../../streams/orderedSlots.js';

/** One direction of extension processing, as the connection drives it. */
export interface FrameChannel {
  /**
   * Feeds one data frame. Returns a promise when the caller must wait before
   * pushing the next frame (async work or stream backpressure). Stage errors
   * are thrown, reject that promise, or (stream form) reach `onError`.
   */
  push(frame: Frame): void | Promise<void>;
  /** No more frames: resolves once everything pushed has been delivered. */
  end(): Promise<void>;
  /** Tears the direction down (connection failed): in-flight stream work is aborted. */
  abort(reason: unknown): void;
  /** False for the stream form, whose frames may be in flight between pushes. */
  readonly sync: boolean;
}

/** Where a channel's output goes (an object, not a callback: no closure per connection). */
export interface FrameSink {
  deliver(frame: Frame): void;
}

const DONE: Promise<void> = Promise.resolve();

/**
 * Builds the channel for `stages`, given in the order frames meet them.
 * @example
 * const channel = createFrameChannel(sessions.map((s) => s.outgoing), { deliver: (f) => writer.write(f) }, ctx, fail);
 * channel.push(frame);
 */
export function createFrameChannel(
  stages: readonly Stage[],
  sink: FrameSink,
  context: StageContext,
  onError: (error: unknown) => void,
): FrameChannel {
  if (stages.length === 0) return new PassChannel(sink);
  const steps: StageStep[] = [];
  for (const stage of stages) {
    if (stage.kind === 'frame') steps.push(frameStep(stage));
    else if (stage.kind === 'message') steps.push(messageStep(stage));
    else return new StreamChannel(stages, sink, onError);
  }
  return new StepChannel(steps, sink, context);
}

/** No extensions in this direction: frames go straight on. */
class PassChannel implements FrameChannel {
  readonly sync = true;
  constructor(private readonly sink: FrameSink) {}
  push(frame: Frame): void {
    this.sink.deliver(frame);
  }
  end(): Promise<void> {
    return DONE;
  }
  abort(): void {}
}

class StepChannel implements FrameChannel {
  readonly sync = true;
  #pending: Promise<void> = DONE;
  constructor(
    private readonly steps: readonly StageStep[],
    private readonly sink: FrameSink,
    private readonly context: StageContext,
  ) {}

  push(frame: Frame): void | Promise<void> {
    const result = this.#run(0, [frame]);
    if (result) this.#pending = result;
    return result;
  }

  end(): Promise<void> {
    return this.#pending;
  }

  abort(): void {
    // Steps run one frame at a time; the context's signal tells in-flight work to stop.
  }

  /** Sends `frames` through steps `index..` in order; goes async only where a step does. */
  #run(index: number, frames: readonly Frame[]): void | Promise<void> {
    for (let i = 0; i < frames.length; i++) {
      if (index === this.steps.length) {
        this.sink.deliver(frames[i]!);
        continue;
      }
      const output = this.steps[index]!(frames[i]!, this.context);
      const next = isThenable(output)
        ? Promise.resolve(output).then((out) => this.#run(index + 1, out))
        : this.#run(index + 1, output);
      if (next) {
        const rest = frames.slice(i + 1);
        return next.then(() => this.#run(index, rest));
      }
    }
  }
}

/** The general form: the stages as the pipeline's composed TransformStreams. */
class StreamChannel implements FrameChannel {
  readonly sync = false;
  readonly #writer: WritableStreamDefaultWriter<Frame>;
  readonly #done: Promise<void>;
  readonly #abort: (reason: unknown) => void;

  constructor(stages: readonly Stage[], sink: FrameSink, onError: (error: unknown) => void) {
    const composed = composeTransforms<Frame, Frame>(stages.map(stageToTransform) as TransformStream<unknown, unknown>[]);
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
