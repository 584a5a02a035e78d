/**
 * An Rx operator as a TransformStream. Writes are fed to the operator one at
 * a time and only while the readable side wants more (like TransformStream's
 * own backpressure); outputs are enqueued as the operator emits them.
 */
import { Observable, type OperatorFunction, type Subscriber, type Subscription } from 'rxjs';
import { BufferOverflowError } from '../protocol/errors.js';
import { checkHighWaterMark } from '../streams/orderedSlots.js';
import { overflowLimit } from './overflow.js';

export interface OperatorTransformOptions {
  /** Outputs buffered for a slow reader before writes are held back (default 0, like TransformStream). */
  readableHighWaterMark?: number;
  /** Inputs queued before writers see backpressure (default 1). */
  writableHighWaterMark?: number;
  /**
   * Outputs allowed in the reader's buffer before the stream fails with
   * `BufferOverflowError` (default `Infinity`). Writes already wait for the
   * reader, so only an operator that emits many values per input, or holds
   * inputs back and releases them in a burst, can grow the buffer; `'error'`
   * means `readableHighWaterMark`.
   */
  overflow?: 'error' | number;
}

/**
 * The operator is subscribed once, when the stream is created. Closing the
 * writable completes its input and the readable closes when the operator
 * completes; an operator error errors both sides; cancelling or aborting
 * unsubscribes it. If the operator completes early (e.g. `take(n)`), the
 * readable closes and further writes fail.
 *
 * @example
 * import { filter, map } from 'rxjs';
 * const evens = operatorToTransform((numbers: Observable<number>) => numbers.pipe(filter((n) => n % 2 === 0), map(String)));
 * await numberStream.pipeThrough(evens).pipeTo(sink);
 */
export function operatorToTransform<I, O>(
  operator: OperatorFunction<I, O>,
  options: OperatorTransformOptions = {},
): TransformStream<I, O> {
  const readableHighWaterMark = checkHighWaterMark('readableHighWaterMark', options.readableHighWaterMark, 0);
  const writableHighWaterMark = checkHighWaterMark('writableHighWaterMark', options.writableHighWaterMark, 1, 1);
  const limit = overflowLimit(options.overflow, readableHighWaterMark, Infinity);

  let input!: Subscriber<I>;
  let readableController!: ReadableStreamDefaultController<O>;
  let writableController!: WritableStreamDefaultController;
  let backpressure = true;
  /** Counts pulls, to tell whether an enqueue made the stream pull again (a read was waiting). */
  let pulls = 0;
  let wake: (() => void) | undefined;
  let ended = false;
  let endReason: unknown;
  let inputCompleted = false;
  let resolveDone!: () => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => {});

  const end = (reason: unknown): void => {
    if (ended) return;
    ended = true;
    endReason = reason;
    subscription?.unsubscribe();
    rejectDone(reason);
    const w = wake;
    wake = undefined;
    w?.();
  };

  const readable = new ReadableStream<O>(
    {
      start(controller) {
        readableController = controller;
      },
      pull() {
        pulls++;
        backpressure = false;
        const w = wake;
        wake = undefined;
        w?.();
      },
      cancel(reason) {
        end(reason);
        writableController.error(reason);
      },
    },
    { highWaterMark: readableHighWaterMark },
  );

  const writable = new WritableStream<I>(
    {
      start(controller) {
        writableController = controller;
      },
      async write(item) {
        while (backpressure && !ended) await new Promise<void>((resolve) => (wake = resolve));
        if (ended) throw endReason;
        input.next(item);
      },
      async close() {
        if (ended) throw endReason;
        inputCompleted = true;
        input.complete();
        await done;
      },
      abort(reason) {
        end(reason);
        readableController.error(reason);
      },
    },
    { highWaterMark: writableHighWaterMark },
  );

  let subscription: Subscription | undefined;
  subscription = operator(new Observable<I>((subscriber) => void (input = subscriber))).subscribe({
    next(value) {
      if (ended) return;
      const pullsBefore = pulls;
      readableController.enqueue(value);
      const buffered = readableHighWaterMark - (readableController.desiredSize ?? 0);
      if (buffered > limit) {
        const error = new BufferOverflowError(`operator emitted more than ${limit} values the reader had not taken`, limit);
        end(error);
        readableController.error(error);
        writableController.error(error);
      } else if (pulls === pullsBefore && (readableController.desiredSize ?? 0) <= 0) {
        backpressure = true;
      }
    },
    error(error: unknown) {
      if (ended) return;
      end(error);
      readableController.error(error);
      writableController.error(error);
    },
    complete() {
      if (ended) return;
      resolveDone();
      end(new TypeError('the operator completed: the stream accepts no more input'));
      readableController.close();
      // Completed before its input did (take(n) and the like): refuse further writes.
      if (!inputCompleted) writableController.error(endReason);
    },
  });
  if (ended) subscription.unsubscribe();
  if (input === undefined) throw new TypeError('operatorToTransform: the operator did not subscribe to its source');

  return { readable, writable };
}
