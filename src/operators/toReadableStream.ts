/**
 * Observable → ReadableStream. An Observable cannot be paused, so the honest
 * bridge buffers what the reader has not taken yet — up to a limit — and
 * fails loudly past it instead of letting memory grow without bound.
 */
import type { Observable, Subscription } from 'rxjs';
import { BufferOverflowError } from '../protocol/errors.js';
import { checkHighWaterMark } from '../streams/orderedSlots.js';
import { overflowLimit } from './overflow.js';

export interface ToReadableStreamOptions {
  /** Values buffered before the stream reports backpressure (`desiredSize` ≤ 0) to its reader (default 16). */
  highWaterMark?: number;
  /**
   * What happens when more values are buffered than that: `'error'` (the
   * default) fails the stream with `BufferOverflowError` once the buffer
   * exceeds `highWaterMark`; a number allows that many buffered values before
   * failing. Pass `Infinity` to opt into an unbounded buffer.
   */
  overflow?: 'error' | number;
}

/**
 * Subscribes when the stream is first pulled; completes/errors with the
 * Observable; unsubscribes when the stream is cancelled or overflows.
 *
 * @example
 * import { interval, map, take } from 'rxjs';
 * const ticks = toReadableStream(interval(10).pipe(take(5), map(String)));
 * for await (const tick of ticks) console.log(tick);
 */
export function toReadableStream<T>(source: Observable<T>, options: ToReadableStreamOptions = {}): ReadableStream<T> {
  const highWaterMark = checkHighWaterMark('highWaterMark', options.highWaterMark, 16);
  const limit = overflowLimit(options.overflow, highWaterMark, 'error');
  let subscription: Subscription | undefined;
  let finished = false;
  return new ReadableStream<T>(
    {
      pull(controller) {
        if (subscription || finished) return;
        subscription = source.subscribe({
          next(value) {
            if (finished) return;
            controller.enqueue(value);
            const buffered = highWaterMark - (controller.desiredSize ?? 0);
            if (buffered > limit) {
              finished = true;
              subscription?.unsubscribe();
              controller.error(
                new BufferOverflowError(
                  `observable emitted faster than the stream was read: more than ${limit} values buffered`,
                  limit,
                ),
              );
            }
          },
          error(error: unknown) {
            if (finished) return;
            finished = true;
            controller.error(error);
          },
          complete() {
            if (finished) return;
            finished = true;
            controller.close();
          },
        });
        // A synchronous source may have overflowed before `subscribe` returned.
        if (finished) subscription.unsubscribe();
      },
      cancel() {
        finished = true;
        subscription?.unsubscribe();
      },
    },
    { highWaterMark },
  );
}
