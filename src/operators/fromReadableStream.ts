/**
 * ReadableStream → Observable. The stream is read one value at a time, the
 * next read only after the previous value was delivered, so the stream's own
 * backpressure reaches whatever feeds it; unsubscribing cancels the stream.
 */
import { Observable } from 'rxjs';

/**
 * A stream can only be read once: a second subscription errors with the
 * stream's "locked" TypeError.
 *
 * @example
 * import { take } from 'rxjs';
 * fromReadableStream(response.body!).pipe(take(1)).subscribe((chunk) => console.log(chunk.length));
 * // take(1) unsubscribes, which cancels the body: the rest is never downloaded
 */
export function fromReadableStream<T>(stream: ReadableStream<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const reader = stream.getReader();
    let finished = false;
    void (async () => {
      try {
        while (!subscriber.closed) {
          const { done, value } = await reader.read();
          if (done) {
            finished = true;
            reader.releaseLock();
            return subscriber.complete();
          }
          subscriber.next(value);
        }
      } catch (error) {
        finished = true;
        subscriber.error(error);
      }
    })();
    return () => {
      if (finished) return;
      finished = true;
      // A pending read settles as done once the stream is cancelled.
      reader.cancel().then(
        () => reader.releaseLock(),
        () => {},
      );
    };
  });
}
