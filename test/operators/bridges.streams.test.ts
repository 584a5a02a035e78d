import { describe, expect, it } from 'vitest';
import {
  filter,
  finalize,
  firstValueFrom,
  from,
  interval,
  lastValueFrom,
  map,
  mergeMap,
  Observable,
  of,
  Subject,
  take,
  throwError,
  timer,
  toArray,
} from 'rxjs';
import { BufferOverflowError } from '../../src/protocol/errors.js';
import { orderedTransform } from '../../src/streams/orderedTransform.js';
import { toReadableStream } from '../../src/operators/toReadableStream.js';
import { fromReadableStream } from '../../src/operators/fromReadableStream.js';
import { operatorToTransform } from '../../src/operators/operatorToTransform.js';
import { transformToOperator } from '../../src/operators/transformToOperator.js';
import { collect, countingSource, readAll, settle, sleep, streamOf } from '../streams/streamHelpers.js';

describe('toReadableStream', () => {
  it('delivers values then closes; subscribes only once the stream is pulled', async () => {
    let subscribed = false;
    const source = new Observable<number>((subscriber) => {
      subscribed = true;
      subscriber.next(1);
      subscriber.next(2);
      subscriber.complete();
    });
    // highWaterMark 0: nothing is buffered ahead, so the subscription waits for a read.
    const stream = toReadableStream(source, { highWaterMark: 0, overflow: 1 });
    await settle();
    expect(subscribed).toBe(false);
    expect(await collect(stream)).toEqual([1, 2]);
  });

  it('passes the observable error on', async () => {
    const failure = new Error('source failed');
    const { values, error } = await readAll(toReadableStream(from([1]).pipe(mergeMap((v) => (v ? throwError(() => failure) : of(v))))));
    expect(values).toEqual([]);
    expect(error).toBe(failure);
  });

  it('cancelling the stream unsubscribes the observable', async () => {
    let released = false;
    const stream = toReadableStream(interval(1).pipe(finalize(() => (released = true))));
    const reader = stream.getReader();
    expect((await reader.read()).value).toBe(0);
    await reader.cancel();
    expect(released).toBe(true);
  });

  it("overflow 'error' (default): more than highWaterMark unread values fail with BufferOverflowError", async () => {
    let released = false;
    const stream = toReadableStream(from([...Array(100).keys()]).pipe(finalize(() => (released = true))), { highWaterMark: 4 });
    const { values, error } = await readAll(stream);
    expect(error).toBeInstanceOf(BufferOverflowError);
    expect((error as BufferOverflowError).limit).toBe(4);
    expect((error as BufferOverflowError).closeCode).toBe(1011);
    expect(values.length).toBeLessThanOrEqual(4);
    expect(released).toBe(true);
  });

  it('a numeric overflow allows that many buffered values; a reader keeping up never overflows', async () => {
    const fits = toReadableStream(from([...Array(50).keys()]), { highWaterMark: 1, overflow: 50 });
    const overflows = toReadableStream(from([...Array(51).keys()]), { highWaterMark: 1, overflow: 50 });
    await settle(); // both subscribed (highWaterMark 1) with no reader waiting: everything is buffered
    expect(await collect(fits)).toHaveLength(50);
    const { error } = await readAll(overflows);
    expect(error).toBeInstanceOf(BufferOverflowError);
    // Asynchronous values with a reader that keeps up stay within a buffer of 1.
    const slow = await collect(toReadableStream(timer(0, 2).pipe(take(10)), { highWaterMark: 1 }));
    expect(slow).toEqual([...Array(10).keys()]);
  });

  it('rejects a bad overflow option', () => {
    expect(() => toReadableStream(of(1), { overflow: -1 })).toThrow(RangeError);
  });
});

describe('fromReadableStream', () => {
  it('emits the stream values and completes', async () => {
    expect(await lastValueFrom(fromReadableStream(streamOf([1, 2, 3])).pipe(toArray()))).toEqual([1, 2, 3]);
  });

  it('errors with the stream error', async () => {
    const failure = new Error('read failed');
    let pulls = 0;
    const stream = new ReadableStream<number>(
      {
        pull(c) {
          if (pulls++ === 0) c.enqueue(1);
          else c.error(failure);
        },
      },
      { highWaterMark: 0 },
    );
    const seen: number[] = [];
    await expect(lastValueFrom(fromReadableStream(stream).pipe(map((v) => (seen.push(v as number), v))))).rejects.toBe(failure);
    expect(seen).toEqual([1]);
  });

  it('pulls on demand and cancels the stream on unsubscribe', async () => {
    const { stream, state } = countingSource(() => 'x');
    const values = await firstValueFrom(fromReadableStream(stream).pipe(take(3), toArray()));
    expect(values).toEqual(['x', 'x', 'x']);
    await settle();
    expect(state.cancelled).toBe(true);
    // One read at a time: at most one value pulled beyond what was taken.
    expect(state.pulled).toBeLessThanOrEqual(4);
  });
});

describe('operatorToTransform', () => {
  it('runs the operator over the stream', async () => {
    const evens = operatorToTransform((numbers: Observable<number>) => numbers.pipe(filter((n) => n % 2 === 0), map(String)));
    expect(await collect(streamOf([1, 2, 3, 4]).pipeThrough(evens))).toEqual(['2', '4']);
  });

  it('a slow reader holds the writer back (source pulls stay bounded)', async () => {
    const { stream, state } = countingSource(() => 1);
    const reader = stream.pipeThrough(operatorToTransform(map((n: number) => n + 1))).getReader();
    await sleep(20);
    expect(state.pulled).toBeLessThanOrEqual(3);
    for (let i = 0; i < 10; i++) await reader.read();
    await settle();
    expect(state.pulled).toBeLessThanOrEqual(13);
    await reader.cancel();
  });

  it('operator errors error the readable; cancelling unsubscribes the operator', async () => {
    const failure = new Error('op failed');
    const { values, error } = await readAll(
      streamOf([1, 2, 3]).pipeThrough(
        operatorToTransform(
          map((n: number) => {
            if (n === 3) throw failure;
            return n;
          }),
        ),
      ),
    );
    expect(values).toEqual([1, 2]);
    expect(error).toBe(failure);

    let released = false;
    const { stream, state } = countingSource(() => 1);
    const reader = stream.pipeThrough(operatorToTransform((s: Observable<number>) => s.pipe(finalize(() => (released = true))))).getReader();
    await reader.read();
    await reader.cancel('stop');
    await settle();
    expect(released).toBe(true);
    expect(state.cancelled).toBe(true);
  });

  it('an operator that completes early (take) closes the readable and cancels the source', async () => {
    const { stream, state } = countingSource(() => 5);
    expect(await collect(stream.pipeThrough(operatorToTransform(take<number>(2))))).toEqual([5, 5]);
    await settle();
    expect(state.cancelled).toBe(true);
  });

  it('an operator emitting many values per input can be bounded with overflow', async () => {
    const burst = operatorToTransform(mergeMap((n: number) => from(Array(n).fill(n))), { readableHighWaterMark: 2, overflow: 10 });
    const { error } = await readAll(streamOf([3, 50]).pipeThrough(burst));
    expect(error).toBeInstanceOf(BufferOverflowError);
  });
});

describe('transformToOperator', () => {
  it('runs a TransformStream as an operator, per subscription', async () => {
    const double = transformToOperator(() => orderedTransform(async (n: number) => (await sleep(3 - n), n * 2), { concurrency: 3 }));
    const source = of(1, 2, 3).pipe(double, toArray());
    expect(await firstValueFrom(source)).toEqual([2, 4, 6]);
    expect(await firstValueFrom(source)).toEqual([2, 4, 6]);
  });

  it('stream errors are passed on; source errors abort the stream', async () => {
    const failure = new Error('stream failed');
    await expect(
      firstValueFrom(
        of(1, 2).pipe(
          transformToOperator(() =>
            orderedTransform((n: number) => {
              if (n === 2) throw failure;
              return n;
            }),
          ),
          toArray(),
        ),
      ),
    ).rejects.toBe(failure);

    const aborted: unknown[] = [];
    const sourceFailure = new Error('source failed');
    const subject = new Subject<number>();
    const result = firstValueFrom(
      subject.pipe(
        transformToOperator(() =>
          orderedTransform((_n: number, { signal }) => new Promise<number>((_r, reject) => signal.addEventListener('abort', () => (aborted.push(signal.reason), reject(signal.reason))))),
        ),
      ),
    );
    subject.next(1);
    await settle();
    subject.error(sourceFailure);
    await expect(result).rejects.toBe(sourceFailure);
    await settle();
    expect(aborted).toEqual([sourceFailure]);
  });

  it('unsubscribing releases the stream: in-flight work sees its AbortSignal', async () => {
    const aborted: number[] = [];
    const subscription = interval(1)
      .pipe(
        transformToOperator(() =>
          orderedTransform(
            (n: number, { signal }) =>
              new Promise<number>((resolve) => {
                signal.addEventListener('abort', () => (aborted.push(n), resolve(n)));
              }),
            { concurrency: 2 },
          ),
        ),
      )
      .subscribe();
    await sleep(20);
    subscription.unsubscribe();
    await settle();
    expect(aborted).toEqual([0, 1]);
  });

  it('overflow bounds values waiting in front of a slow stream', async () => {
    const slow = transformToOperator(() => orderedTransform((n: number) => sleep(50).then(() => n)), { overflow: 5 });
    await expect(firstValueFrom(from([...Array(100).keys()]).pipe(slow, toArray()))).rejects.toBeInstanceOf(BufferOverflowError);
  });
});
