import { describe, expect, it } from 'vitest';
import { orderedFlatTransform, orderedTransform } from '../../src/streams/orderedTransform.js';
import { collect, countingSource, deferred, readAll, settle, sleep, streamOf, type Deferred } from './streamHelpers.js';

describe('orderedTransform: order and concurrency', () => {
  it('emits in input order when items finish in reverse order', async () => {
    const delays = [40, 30, 20, 10, 0];
    const finished: number[] = [];
    const out = await collect(
      streamOf(delays).pipeThrough(
        orderedTransform(
          async (ms: number) => {
            await sleep(ms);
            finished.push(ms);
            return ms * 2;
          },
          { concurrency: 5 },
        ),
      ),
    );
    expect(out).toEqual([80, 60, 40, 20, 0]);
    // They really ran concurrently: the shortest finished first.
    expect(finished).toEqual([0, 10, 20, 30, 40]);
  });

  it('never has more than `concurrency` items in flight', async () => {
    for (const concurrency of [1, 3]) {
      let inFlight = 0;
      let peak = 0;
      const out = await collect(
        streamOf([...Array(20).keys()]).pipeThrough(
          orderedTransform(
            async (n: number) => {
              peak = Math.max(peak, ++inFlight);
              await sleep((n * 7) % 5);
              inFlight--;
              return n;
            },
            { concurrency, readableHighWaterMark: 100 },
          ),
        ),
      );
      expect(out).toEqual([...Array(20).keys()]);
      expect(peak).toBe(concurrency);
    }
  });

  it('concurrency 1 runs one item at a time, each after the previous finished', async () => {
    const log: string[] = [];
    await collect(
      streamOf(['a', 'b', 'c']).pipeThrough(
        orderedTransform(async (s: string) => {
          log.push(`start ${s}`);
          await sleep(2);
          log.push(`end ${s}`);
          return s;
        }),
      ),
    );
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('passes the input index and handles synchronous and mixed results', async () => {
    const out = await collect(
      streamOf(['x', 'y', 'z', 'w']).pipeThrough(
        orderedTransform((s: string, { index }) => (index % 2 === 0 ? `${s}${index}` : sleep(5).then(() => `${s}${index}`)), {
          concurrency: 3,
        }),
      ),
    );
    expect(out).toEqual(['x0', 'y1', 'z2', 'w3']);
  });

  it('completes an empty source without calling the function', async () => {
    let calls = 0;
    const out = await collect(streamOf<number>([]).pipeThrough(orderedTransform((n: number) => (calls++, n), { concurrency: 4 })));
    expect(out).toEqual([]);
    expect(calls).toBe(0);
  });

  it('flat variant emits zero or more outputs per item, in order', async () => {
    const out = await collect(
      streamOf([3, 0, 2]).pipeThrough(
        orderedFlatTransform(async (n: number) => {
          await sleep(10 - n * 3);
          return Array.from({ length: n }, (_, i) => `${n}.${i}`);
        }, { concurrency: 3 }),
      ),
    );
    expect(out).toEqual(['3.0', '3.1', '3.2', '2.0', '2.1']);
  });

  it('a reader with several reads pending at once gets every item', async () => {
    const reader = streamOf([1, 2, 3, 4, 5])
      .pipeThrough(orderedTransform(async (n: number) => (await sleep(5 - n), n), { concurrency: 2 }))
      .getReader();
    const reads = await Promise.all([1, 2, 3, 4, 5, 6].map(() => reader.read()));
    expect(reads.map((r) => r.value)).toEqual([1, 2, 3, 4, 5, undefined]);
    expect(reads[5]!.done).toBe(true);
  });

  it('items that emit nothing do not stall a waiting reader', async () => {
    const out = await collect(streamOf([0, 0, 2, 0]).pipeThrough(orderedFlatTransform(async (n: number) => Array(n).fill(n))));
    expect(out).toEqual([2, 2]);
  });

  it('rejects nonsensical options with RangeError', () => {
    expect(() => orderedTransform((x) => x, { concurrency: 0 })).toThrow(RangeError);
    expect(() => orderedTransform((x) => x, { concurrency: 1.5 })).toThrow(RangeError);
    expect(() => orderedTransform((x) => x, { readableHighWaterMark: -1 })).toThrow(RangeError);
    // A writable with no room would stall every pipeTo into it.
    expect(() => orderedTransform((x) => x, { writableHighWaterMark: 0 })).toThrow(RangeError);
    expect(() => orderedTransform((x) => x, { concurrency: Infinity })).not.toThrow();
  });
});

describe('orderedTransform: bounded memory', () => {
  it('a slow reader stops the source: pulled items stay within concurrency + high-water marks', async () => {
    const cases = [
      { concurrency: 1, readableHighWaterMark: 0, writableHighWaterMark: 1 },
      { concurrency: 4, readableHighWaterMark: 0, writableHighWaterMark: 1 },
      { concurrency: 4, readableHighWaterMark: 8, writableHighWaterMark: 2 },
    ];
    for (const options of cases) {
      const { stream, state } = countingSource(() => 1);
      let calls = 0;
      const readable = stream.pipeThrough(orderedTransform(async (n: number) => (calls++, n), options));
      const reader = readable.getReader();
      // Bound: in flight + reader's buffer refill + writable queue, plus the one item a pipe holds in hand.
      const bound = options.concurrency + options.readableHighWaterMark + options.writableHighWaterMark + 1;
      await sleep(30);
      expect(state.pulled).toBeLessThanOrEqual(bound);
      expect(calls).toBeLessThanOrEqual(options.concurrency + options.readableHighWaterMark);
      for (let read = 1; read <= 50; read++) {
        await reader.read();
        if (read % 10 === 0) {
          await settle();
          expect(state.pulled - read).toBeLessThanOrEqual(bound);
        }
      }
      // The source is endless: only backpressure kept this finite.
      expect(state.pulled).toBeGreaterThanOrEqual(50);
      await reader.cancel('done');
      await settle();
      expect(state.cancelled).toBe(true);
    }
  });

  it('a fast reader keeps `concurrency` items in flight even with no reader buffer', async () => {
    let inFlight = 0;
    let peak = 0;
    const { stream } = countingSource([...Array(40).keys()]);
    await collect(
      stream.pipeThrough(
        orderedTransform(
          async (n: number) => {
            peak = Math.max(peak, ++inFlight);
            await sleep(1);
            inFlight--;
            return n;
          },
          { concurrency: 4 },
        ),
      ),
    );
    expect(peak).toBe(4);
  });
});

describe('orderedTransform: errors', () => {
  it('emits the items before the failed one, then errors; later items are aborted and dropped', async () => {
    const aborted: number[] = [];
    const gates = new Map<number, Deferred<void>>();
    const failure = new Error('item 2 failed');
    const readable = streamOf([0, 1, 2, 3, 4]).pipeThrough(
      orderedTransform(
        async (n: number, { signal }) => {
          const gate = deferred();
          gates.set(n, gate);
          signal.addEventListener('abort', () => {
            aborted.push(n);
            gate.reject(signal.reason);
          });
          await gate.promise;
          return n;
        },
        { concurrency: 5 },
      ),
    );
    const result = readAll(readable);
    await settle();
    expect([...gates.keys()]).toEqual([0, 1, 2, 3, 4]);
    gates.get(2)!.reject(failure);
    await settle();
    // Item 2 has failed while 0, 1, 3, 4 run: 3 and 4 are doomed and aborted at once.
    expect(aborted.sort()).toEqual([3, 4]);
    gates.get(1)!.resolve();
    gates.get(0)!.resolve();
    const { values, error } = await result;
    expect(values).toEqual([0, 1]);
    expect(error).toBe(failure);
    expect(aborted).not.toContain(0);
    expect(aborted).not.toContain(1);
  });

  it('keeps buffered items before the error readable (no loss when the reader is slow)', async () => {
    const failure = new Error('third');
    const readable = streamOf([1, 2, 3]).pipeThrough(
      orderedTransform(
        (n: number) => {
          if (n === 3) throw failure;
          return n;
        },
        { readableHighWaterMark: 5 },
      ),
    );
    await settle();
    const { values, error } = await readAll(readable);
    expect(values).toEqual([1, 2]);
    expect(error).toBe(failure);
  });

  it('errors the writable side too, so the upstream source is cancelled', async () => {
    const { stream, state } = countingSource(() => 7);
    const failure = new Error('nope');
    const { error } = await readAll(
      stream.pipeThrough(orderedTransform(async (_n: number, { index }) => {
        if (index === 5) throw failure;
        return index;
      }, { concurrency: 2 })),
    );
    expect(error).toBe(failure);
    await settle();
    expect(state.cancelled).toBe(true);
    expect(state.cancelReason).toBe(failure);
  });

  it('starts nothing after an item that failed while earlier ones still run', async () => {
    const started: number[] = [];
    const first = deferred<number>();
    const failure = new Error('second');
    const result = readAll(
      streamOf([0, 1, 2, 3]).pipeThrough(
        orderedTransform(
          (n: number) => {
            started.push(n);
            if (n === 0) return first.promise;
            if (n === 1) return Promise.reject(failure);
            return n;
          },
          { concurrency: 4 },
        ),
      ),
    );
    await settle();
    first.resolve(0);
    const { values, error } = await result;
    expect(values).toEqual([0]);
    expect(error).toBe(failure);
    expect(started).toEqual([0, 1]);
  });

  it('a synchronous throw on the first item errors with nothing emitted', async () => {
    const failure = new TypeError('bad');
    const { values, error } = await readAll(
      streamOf([1, 2]).pipeThrough(
        orderedTransform(() => {
          throw failure;
        }),
      ),
    );
    expect(values).toEqual([]);
    expect(error).toBe(failure);
  });

  it('a non-iterable result of the flat variant is an error, not a silent drop', async () => {
    const { error } = await readAll(streamOf([1]).pipeThrough(orderedFlatTransform(() => 42 as unknown as number[])));
    expect(error).toBeInstanceOf(TypeError);
  });
});

describe('orderedTransform: cancellation releases work', () => {
  function trackedStage(concurrency: number) {
    const started: number[] = [];
    const abortedWith: unknown[] = [];
    const settled: number[] = [];
    const transform = orderedTransform(
      (n: number, { signal }) =>
        new Promise<number>((resolve, reject) => {
          started.push(n);
          const timer = setTimeout(() => resolve(n), 10_000);
          signal.addEventListener('abort', () => {
            abortedWith.push(signal.reason);
            clearTimeout(timer);
            // Cleanup takes a moment: cancel must wait for it.
            setTimeout(() => {
              settled.push(n);
              reject(signal.reason);
            }, 5);
          });
        }),
      { concurrency },
    );
    return { transform, started, abortedWith, settled };
  }

  it('cancelling the readable aborts in-flight work and resolves only after it settled', async () => {
    const { stream, state } = countingSource(() => 1);
    const { transform, started, abortedWith, settled } = trackedStage(3);
    const readable = stream.pipeThrough(transform);
    const reader = readable.getReader();
    const pending = reader.read();
    await settle();
    expect(started).toHaveLength(3);
    await reader.cancel('bye');
    expect(abortedWith).toEqual(['bye', 'bye', 'bye']);
    expect(settled).toHaveLength(3);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await settle();
    expect(state.cancelled).toBe(true);
    const before = started.length;
    await settle();
    expect(started.length).toBe(before);
  });

  it('aborting the writable reaches the AbortSignal at once, even while a write waits for capacity', async () => {
    const { transform, started, abortedWith, settled } = trackedStage(2);
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    const pendingRead = reader.read();
    void writer.write(1).catch(() => {});
    void writer.write(2).catch(() => {});
    const third = writer.write(3); // waits: two in flight
    await settle();
    expect(started).toEqual([1, 2]);
    const abort = writer.abort(new Error('stop'));
    await abort;
    expect(abortedWith.map((e) => (e as Error).message)).toEqual(['stop', 'stop']);
    expect(settled.sort()).toEqual([1, 2]);
    await expect(third).rejects.toThrow('stop');
    await expect(pendingRead).rejects.toThrow('stop');
    expect(started).toEqual([1, 2]);
  });

  it('a never-ending source is cancelled through the stage when the reader stops', async () => {
    const { stream, state } = countingSource(() => 1);
    const reader = stream.pipeThrough(orderedTransform(async (n: number) => n + 1, { concurrency: 2 })).getReader();
    for (let i = 0; i < 25; i++) expect((await reader.read()).value).toBe(2);
    await reader.cancel('enough');
    await settle();
    expect(state.cancelled).toBe(true);
    expect(state.cancelReason).toBe('enough');
  });
});
