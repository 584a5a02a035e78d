import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defer, finalize, timer, map, take, from, concatMap, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { concatMapEager } from '../../src/operators/concatMapEager.js';

// In virtual time: each outer value i maps to an inner that emits `count`
// values at random delays. Whatever the timing and concurrency, the output is
// every inner's values, inner by inner in outer order, each exactly once, and
// no more than `concurrency` inners are ever subscribed at once.
const inner = fc.record({
  start: fc.integer({ min: 0, max: 5 }),
  gaps: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }),
});

describe('concatMapEager properties', () => {
  it('output is the inners concatenated in outer order; concurrency bound holds', () => {
    fc.assert(
      fc.property(fc.array(inner, { maxLength: 12 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 }), (inners, concurrency, outerGap) => {
        new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ flush }) => {
          let active = 0;
          let peak = 0;
          const innerOf = (i: number): Observable<string> => {
            const { start, gaps } = inners[i]!;
            const times = gaps.reduce<number[]>((acc, gap) => [...acc, (acc.at(-1) ?? start) + gap], []);
            return defer(() => {
              peak = Math.max(peak, ++active);
              return from(times.map((t, k) => ({ t, k }))).pipe(
                concatMap(({ t, k }, idx) => timer(idx === 0 ? t : t - times[idx - 1]!).pipe(map(() => `${i}.${k}`))),
                finalize(() => active--),
              );
            });
          };
          const outer = timer(0, outerGap || 1).pipe(take(inners.length));
          const seen: string[] = [];
          let completed = false;
          outer.pipe(concatMapEager((i) => innerOf(i), concurrency)).subscribe({
            next: (v) => seen.push(v),
            complete: () => (completed = true),
          });
          flush();
          expect(completed).toBe(true);
          expect(seen).toEqual(inners.flatMap((x, i) => x.gaps.map((_, k) => `${i}.${k}`)));
          expect(peak).toBeLessThanOrEqual(concurrency);
        });
      }),
      { numRuns: 150 },
    );
  });
});
