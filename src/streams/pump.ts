/**
 * Moves chunks from a readable to a writable, like `pipeTo(dest, {
 * preventClose: true, signal })`, but settling exactly when the source's work
 * is over. The pipeline links its stages with this rather than `pipeTo`:
 * under Node 20, a pipe whose neighbours are being cancelled and aborted at
 * the same moment can stay pending forever (web-streams-polyfill settles), and
 * a pipeline's `close()` must never wait on a promise that cannot settle.
 *
 * Semantics: backpressure through `writer.ready`; the source ending closes
 * the destination (not awaited: that completes only when everything after it
 * drained); a source error aborts the destination; a destination error
 * cancels the source; the signal does both. The returned promise settles
 * (never rejects) once the source is done — ended, errored, or cancelled and
 * that cancel settled (the source stage's in-flight work released). It does
 * not wait for the destination's abort: that is the next stage's work, and a
 * destination stuck in a write would otherwise hold the source stage open.
 */

const NO_ABORT = Symbol('no abort');

export function pump<T>(source: ReadableStream<T>, dest: WritableStream<T>, signal: AbortSignal): Promise<void> {
  const reader = source.getReader();
  const writer = dest.getWriter();
  let stopping: Promise<unknown> | undefined;

  const ignore = (): void => {};
  /** Ends the pump once: aborts the destination (not awaited), cancels the source if asked and waits for that. */
  const stop = (abortDest: unknown, cancelSource: { reason: unknown } | undefined): Promise<unknown> =>
    (stopping ??= (() => {
      if (abortDest !== NO_ABORT) writer.abort(abortDest).catch(ignore);
      return (cancelSource ? reader.cancel(cancelSource.reason) : Promise.resolve()).catch(ignore);
    })());

  const onAbort = () => void stop(signal.reason, { reason: signal.reason });
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  // Errors on either side are noticed even while the loop waits on the other one.
  reader.closed.catch((error: unknown) => void stop(error, undefined));
  writer.closed.catch((error: unknown) => void stop(NO_ABORT, { reason: error }));

  const run = async (): Promise<void> => {
    let reading = false;
    try {
      while (stopping === undefined) {
        reading = false;
        await writer.ready;
        if (stopping !== undefined) break;
        reading = true;
        const { done, value } = await reader.read();
        if (stopping !== undefined) break;
        if (done) {
          // Clean end: hand the destination its close and stop here.
          stopping = Promise.resolve();
          reader.releaseLock();
          writer.close().catch(() => {});
          return;
        }
        writer.write(value).catch(() => {}); // a failed write errors `writer.closed`, handled above
      }
    } catch (error) {
      // The side that failed decides the action (the `closed` handlers may not have run yet).
      void stop(reading ? error : NO_ABORT, reading ? undefined : { reason: error });
    }
    await stopping;
  };

  return run().finally(() => signal.removeEventListener('abort', onAbort));
}
