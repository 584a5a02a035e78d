import { describe, expect, it } from 'vitest';
import { concatMap, firstValueFrom, NEVER, type Observable, of, Subject, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { concatMapEager } from '../../src/operators/concatMapEager.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('concatMapEager (marbles)', () => {
  it('subscribes eagerly, emits in outer order when inners finish out of order', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('   ----x|');
      const b = cold('     -y|');
      const c = cold('       --z|');
      const source = hot('-a-b-c|');
      const inners: Record<string, Observable<string>> = { a, b, c };
      // b finishes (frame 5) before a (frame 6): its y waits and comes right after a.
      expectObservable(source.pipe(concatMapEager((v) => inners[v]!))).toBe('-----xyz|');
      expectSubscriptions(a.subscriptions).toBe('-^----!');
      expectSubscriptions(b.subscriptions).toBe('---^-!');
      expectSubscriptions(c.subscriptions).toBe('-----^--!');
    });
  });

  it('the head inner streams its values through as they come', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const a = cold(' x-x-x|');
      const b = cold('  yy|');
      const source = hot('ab|');
      const inners: Record<string, Observable<string>> = { a, b };
      expectObservable(source.pipe(concatMapEager((v) => inners[v]!))).toBe('x-x-x(yy|)');
    });
  });

  it('never runs more than `concurrency` inners; the next starts when one completes', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('   ---a|');
      const b = cold('    -b|');
      const c = cold('        -c|');
      const source = hot('-abc|');
      const inners: Record<string, Observable<string>> = { a, b, c };
      expectObservable(source.pipe(concatMapEager((v) => inners[v]!, 2))).toBe('----abc|');
      expectSubscriptions(a.subscriptions).toBe('-^---!');
      expectSubscriptions(b.subscriptions).toBe('--^-!');
      // c waits for a free slot: b completed at 4 but holds its slot until its value is emitted at 5
      // (finished-but-unemitted inners count, which bounds the buffered values).
      expectSubscriptions(c.subscriptions).toBe('-----^-!');
    });
  });

  it('concurrency 1 behaves exactly like concatMap', () => {
    const inner = (v: string, cold: (m: string, values?: Record<string, string>) => Observable<string>) =>
      cold(v === 'a' ? '--x-x|' : v === 'b' ? 'y|' : '---z|', { x: `${v}1`, y: `${v}2`, z: `${v}3` });
    let viaConcat: unknown;
    let viaEager: unknown;
    new TestScheduler((actual) => (viaConcat = actual)).run(({ cold, hot, expectObservable }) => {
      expectObservable(hot('-a-b-c-a---|').pipe(concatMap((v) => inner(v, cold)))).toBe('');
    });
    new TestScheduler((actual) => (viaEager = actual)).run(({ cold, hot, expectObservable }) => {
      expectObservable(hot('-a-b-c-a---|').pipe(concatMapEager((v) => inner(v, cold), 1))).toBe('');
    });
    expect(viaEager).toEqual(viaConcat);
    expect((viaEager as unknown[]).length).toBeGreaterThan(4);
  });

  it('an error in inner k: values of inners before k first, then the error; later inners stopped at once', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('   -----a|');
      const b = cold('    --#', undefined, new Error('b failed'));
      const c = cold('     ----c|');
      const source = hot('-abc|');
      const inners: Record<string, Observable<string>> = { a, b, c };
      expectObservable(source.pipe(concatMapEager((v) => inners[v]!))).toBe('------a#', undefined, new Error('b failed'));
      expectSubscriptions(a.subscriptions).toBe('-^-----!');
      expectSubscriptions(b.subscriptions).toBe('--^-!');
      // c is doomed the moment b fails (frame 4), long before a finishes.
      expectSubscriptions(c.subscriptions).toBe('---^!');
    });
  });

  it('an error in the head inner is passed on at once', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const a = cold(' x-#');
      const b = cold('  y|');
      const inners: Record<string, Observable<string>> = { a, b };
      expectObservable(hot('ab|').pipe(concatMapEager((v) => inners[v]!))).toBe('x-#');
    });
  });

  it('a project that throws counts as an error of that inner, in order', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const a = cold(' --a|');
      const source = hot('ab|');
      const result = source.pipe(
        concatMapEager((v) => {
          if (v === 'b') throw 'bad project';
          return a;
        }),
      );
      expectObservable(result).toBe('--a#', undefined, 'bad project');
    });
  });

  it('an outer error is passed on at once and stops the inners', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('  ----a|');
      const source = hot('a-#');
      expectObservable(source.pipe(concatMapEager(() => a))).toBe('--#');
      expectSubscriptions(a.subscriptions).toBe('^-!');
    });
  });

  it('early unsubscribe stops every inner and aborts their signals', () => {
    const signals: AbortSignal[] = [];
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('  ---a|');
      const b = cold('   -----b|');
      const inners: Record<string, Observable<string>> = { a, b };
      const result = hot('ab-c|').pipe(
        concatMapEager((v, _i, signal) => {
          signals.push(signal);
          return inners[v] ?? cold('c|');
        }, 2),
      );
      expectObservable(result, '^-!').toBe('---');
      expectSubscriptions(a.subscriptions).toBe('^-!');
      expectSubscriptions(b.subscriptions).toBe('-^!');
    });
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('signals of inners that completed normally are not aborted', () => {
    const signals: AbortSignal[] = [];
    scheduler().run(({ cold, hot, expectObservable }) => {
      const result = hot('ab|').pipe(concatMapEager((v, _i, signal) => (signals.push(signal), cold('-x|', { x: v }))));
      expectObservable(result).toBe('-ab|');
    });
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
  });

  it('empty source completes at once; empty inners contribute nothing', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('|').pipe(concatMapEager(() => cold('a|')))).toBe('|');
      expectObservable(cold('ab|').pipe(concatMapEager(() => cold('--|')))).toBe('---|');
    });
  });

  it('a never-ending source keeps the result open; a never-ending head holds back later values', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      expectObservable(hot('-a-b-').pipe(concatMapEager((v) => of(v)))).toBe('-a-b-');
      const inners: Record<string, Observable<string>> = { a: NEVER, b: cold('b|') };
      expectObservable(hot('ab|').pipe(concatMapEager((v) => inners[v]!))).toBe('---');
    });
  });

  it('passes the outer index to project', () => {
    scheduler().run(({ hot, expectObservable }) => {
      expectObservable(hot('-x-y-z|').pipe(concatMapEager((v, i) => of(`${v}${i}`)))).toBe('-a-b-c|', {
        a: 'x0',
        b: 'y1',
        c: 'z2',
      });
    });
  });

  it('rejects a concurrency below 1', () => {
    expect(() => concatMapEager(() => of(1), 0)).toThrow(RangeError);
  });
});

describe('concatMapEager (promises, real time)', () => {
  it('orders promise results and aborts the pending ones on unsubscribe', async () => {
    const out = await firstValueFrom(
      of(30, 5, 15).pipe(
        concatMapEager((ms) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms))),
        toArray(),
      ),
    );
    expect(out).toEqual([30, 5, 15]);

    const aborted: number[] = [];
    const source = new Subject<number>();
    const subscription = source
      .pipe(
        concatMapEager(
          (n, _i, signal) =>
            new Promise<number>((resolve) => {
              signal.addEventListener('abort', () => aborted.push(n));
              setTimeout(() => resolve(n), 1_000);
            }),
          2,
        ),
      )
      .subscribe();
    source.next(1);
    source.next(2);
    source.next(3); // waits for a slot: never started
    subscription.unsubscribe();
    expect(aborted).toEqual([1, 2]);
  });
});
