/**
 * A TransformStream as an Rx operator: every subscription creates a fresh
 * stream, writes the source's values into it and emits what it reads out.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { BufferOverflowError } from '../protocol/errors.js';
import { overflowLimit } from './overflow.js';

export interface TransformOperatorOptions {
  /**
   * Values allowed to wait in front of the stream (in its writable queue)
   * before the subscription fails with `BufferOverflowError` (default
   * `Infinity`: an Observable cannot be paused, and Rx operators such as
   * `mergeMap` buffer the same way). Set it to bound memory when the source
   * can outrun the stream.
   */
  overflow?: number;
}

/**
 * Source completion closes the stream's writable; the observable completes
 * when its readable ends. A source error aborts the stream; a stream error
 * is passed on. Unsubscribing cancels the readable and aborts the writable,
 * so the stream's in-flight work is released.
 *
 * @example
 * import { of } from 'rxjs';
 * of(frameA, frameB).pipe(transformToOperator(() => stageToTransform(myStage))).subscribe(send);
 */
export function transformToOperator<I, O>(
  factory: () => TransformStream<I, O>,
  options: TransformOperatorOptions = {},
): OperatorFunction<I, O> {
  const limit = overflowLimit(options.overflow, 0, Infinity);
  return (source) =>
    new Observable<O>((subscriber) => {
      const stream = factory();
      const writer = stream.writable.getWriter();
      const reader = stream.readable.getReader();
      let finished = false;
      const ignore = (): void => {};

      void (async () => {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            subscriber.next(value);
          }
          finished = true;
          subscriber.complete();
        } catch (error) {
          finished = true;
          subscriber.error(error);
        }
      })();

      const input = source.subscribe({
        next(value) {
          writer.write(value).catch(ignore);
          // desiredSize counts down past zero as values queue up unread.
          const queued = -(writer.desiredSize ?? 0);
          if (queued > limit) {
            const error = new BufferOverflowError(`more than ${limit} values waiting to enter the stream`, limit);
            writer.abort(error).catch(ignore);
            subscriber.error(error);
          }
        },
        error(error: unknown) {
          writer.abort(error).catch(ignore);
          subscriber.error(error);
        },
        complete() {
          writer.close().catch(ignore);
        },
      });

      return () => {
        input.unsubscribe();
        if (finished) return;
        finished = true;
        reader.cancel().catch(ignore);
        writer.abort().catch(ignore);
      };
    });
}
