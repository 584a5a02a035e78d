import { describe, expect, it } from 'vitest';
import { firstValueFrom, from, Subject, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { orderedChainOperator } from '../../src/operators/orderedChainOperator.js';
import type { OrderedLevel } from '../../src/streams/orderedChain.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const level = (fn: OrderedLevel['fn'], concurrency = 1, flat = false): OrderedLevel => ({ fn, flat, concurrency });

describe('orderedChainOperator', () => {
  it('synchronous levels add no asynchrony (marbles)', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
      const op = orderedChainOperator<string, string>(() => [
        level((s: string) => s.toUpperCase()),
        level((s: string) => (s === 'B' ? [] : [s]), 1, true),
      ]);
      expectObservable(cold('a-b-c|').pipe(op)).toBe('a---c|', { a: 'A', c: 'C' });
      expectObservable(cold('|').pipe(op)).toBe('|');
      expectObservable(cold('-a-a-').pipe(op)).toBe('-a-a-', { a: 'A' });
    });
  });

  it('a synchronous error comes after the values before it (marbles)', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
      const op = orderedChainOperator<number, number>(() => [
        level((n: number) => {
          if (n === 3) throw 'three';
          return n;
        }),
      ]);
      expectObservable(cold('123|', { 1: 1, 2: 2, 3: 3 }).pipe(op)).toBe('12#', { 1: 1, 2: 2 }, 'three');
    });
  });

  it('async levels: input order kept, per-level concurrency respected, a fast source queued', async () => {
    let running = 0;
    let peak = 0;
    const op = orderedChainOperator<number, number>(() => [
      level(async (n: number) => {
        peak = Math.max(peak, ++running);
        await sleep((n * 7) % 5);
        running--;
        return n * 10;
      }, 3),
      level(async (n: number) => (await sleep(n % 3), n + 1), 2),
    ]);
    const out = await firstValueFrom(from([...Array(30).keys()]).pipe(op, toArray()));
    expect(out).toEqual([...Array(30).keys()].map((n) => n * 10 + 1));
    expect(peak).toBe(3);
  });

  it('fresh levels per subscription', async () => {
    let made = 0;
    const op = orderedChainOperator<number, number>(() => {
      made++;
      let seen = 0;
      return [level((n: number) => n + seen++)];
    });
    expect(await firstValueFrom(from([0, 0]).pipe(op, toArray()))).toEqual([0, 1]);
    expect(await firstValueFrom(from([0, 0]).pipe(op, toArray()))).toEqual([0, 1]);
    expect(made).toBe(2);
  });

  it('an async failure: values before it, then the error; work behind it aborted', async () => {
    const aborted: number[] = [];
    const failure = new Error('two');
    const op = orderedChainOperator<number, number>(() => [
      level(async (n: number, { signal }) => {
        signal.addEventListener('abort', () => aborted.push(n));
        await sleep(n === 2 ? 1 : 10);
        if (n === 2) throw failure;
        return n;
      }, 4),
    ]);
    const seen: number[] = [];
    const error = await new Promise((resolve) => from([0, 1, 2, 3]).pipe(op).subscribe({ next: (n) => seen.push(n), error: resolve }));
    expect(error).toBe(failure);
    expect(seen).toEqual([0, 1]);
    expect(aborted).toEqual([3]);
  });

  it('unsubscribing aborts in-flight work and drops queued input', async () => {
    const started: number[] = [];
    const aborted: number[] = [];
    const input = new Subject<number>();
    const subscription = input
      .pipe(
        orderedChainOperator<number, number>(() => [
          level(
            (n: number, { signal }) =>
              new Promise<number>((resolve) => {
                started.push(n);
                signal.addEventListener('abort', () => (aborted.push(n), resolve(n)));
              }),
            2,
          ),
        ]),
      )
      .subscribe();
    for (const n of [1, 2, 3, 4]) input.next(n);
    expect(started).toEqual([1, 2]);
    subscription.unsubscribe();
    expect(aborted).toEqual([1, 2]);
    await sleep(5);
    expect(started).toEqual([1, 2]);
  });
});
