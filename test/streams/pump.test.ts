import { describe, expect, it } from 'vitest';
import { pump } from '../../src/streams/pump.js';
import { collect, countingSource, deferred, settle, streamOf } from './streamHelpers.js';

describe('pump', () => {
  it('moves every chunk, then closes the destination', async () => {
    const through = new TransformStream<number, number>();
    const done = pump(streamOf([1, 2, 3]), through.writable, new AbortController().signal);
    expect(await collect(through.readable)).toEqual([1, 2, 3]);
    await done;
  });

  it('settles without waiting for the destination to finish closing', async () => {
    const closing = deferred();
    let closed = false;
    const dest = new WritableStream<number>({ close: () => closing.promise.then(() => void (closed = true)) });
    await pump(streamOf([1]), dest, new AbortController().signal);
    expect(closed).toBe(false);
    closing.resolve();
  });

  it('honours backpressure: a destination that never takes a chunk stops the source', async () => {
    const { stream, state } = countingSource(() => 1);
    let writes = 0;
    const dest = new WritableStream<number>(
      {
        write: () => {
          writes++;
          return new Promise(() => {});
        },
      },
      { highWaterMark: 2 },
    );
    void pump(stream, dest, new AbortController().signal);
    await settle(5);
    // It moves what the destination has room for (one in the sink, none lost)…
    expect(writes).toBe(1);
    expect(state.pulled).toBeGreaterThanOrEqual(2);
    // …and then stops: the source is not drained into memory.
    expect(state.pulled).toBeLessThanOrEqual(4);
  });

  it('a source error aborts the destination with it', async () => {
    const failure = new Error('source broke');
    let abortedWith: unknown;
    const source = new ReadableStream<number>({ pull: (c) => c.error(failure) });
    await pump(source, new WritableStream({ abort: (reason) => void (abortedWith = reason) }), new AbortController().signal);
    expect(abortedWith).toBe(failure);
  });

  it('a destination error cancels the source and settles after that cancel settled', async () => {
    const failure = new Error('sink broke');
    const cancelling = deferred();
    const state = { cancelledWith: undefined as unknown, cancelFinished: false };
    const source = new ReadableStream<number>({
      pull: (c) => c.enqueue(1),
      cancel: async (reason) => {
        state.cancelledWith = reason;
        await cancelling.promise;
        state.cancelFinished = true;
      },
    });
    const dest = new WritableStream<number>({
      write: () => {
        throw failure;
      },
    });
    let settled = false;
    const done = pump(source, dest, new AbortController().signal).then(() => (settled = true));
    await settle();
    expect(state.cancelledWith).toBe(failure);
    expect(settled).toBe(false);
    cancelling.resolve();
    await done;
    expect(state.cancelFinished).toBe(true);
  });

  it('the abort signal cancels the source and aborts the destination, without waiting for its write', async () => {
    const { stream, state } = countingSource(() => 1);
    let abortedWith: unknown;
    const slowWrite = deferred();
    const dest = new WritableStream<number>({ write: () => slowWrite.promise, abort: (r) => void (abortedWith = r) });
    const controller = new AbortController();
    const done = pump(stream, dest, controller.signal);
    await settle();
    controller.abort('stop');
    await done; // the destination is still busy writing: its abort waits for that, the pump does not
    expect(state.cancelled).toBe(true);
    expect(state.cancelReason).toBe('stop');
    expect(abortedWith).toBeUndefined();
    slowWrite.resolve();
    await settle();
    expect(abortedWith).toBe('stop');
  });
});
