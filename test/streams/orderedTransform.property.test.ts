import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { orderedFlatTransform, orderedTransform } from '../../src/streams/orderedTransform.js';
import { collect, sleep } from './streamHelpers.js';

// Random completion delays, concurrency and buffer sizes: whatever order the
// work finishes in, the output is the input, in order, each item exactly once,
// and no more than `concurrency` items ever run at once.
const scenario = fc.record({
  delays: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 40 }),
  concurrency: fc.integer({ min: 1, max: 8 }),
  readableHighWaterMark: fc.integer({ min: 0, max: 4 }),
  writableHighWaterMark: fc.integer({ min: 1, max: 4 }),
  syncEvery: fc.integer({ min: 0, max: 3 }),
});

function source<T>(items: readonly T[]): ReadableStream<T> {
  let i = 0;
  return new ReadableStream<T>({
    pull(controller) {
      if (i < items.length) controller.enqueue(items[i++]!);
      else controller.close();
    },
  });
}

/** 0 → a microtask, n → n ms; every `syncEvery`-th item answers synchronously. */
function delayed<T>(value: T, ms: number, index: number, syncEvery: number): T | Promise<T> {
  if (syncEvery > 0 && index % syncEvery === 0) return value;
  return ms === 0 ? Promise.resolve(value) : sleep(ms).then(() => value);
}

describe('orderedTransform properties', () => {
  it('output equals input order, nothing lost or duplicated, concurrency respected', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ delays, concurrency, readableHighWaterMark, writableHighWaterMark, syncEvery }) => {
        const items = delays.map((ms, i) => ({ id: i, ms }));
        let inFlight = 0;
        let peak = 0;
        const out = await collect(
          source(items).pipeThrough(
            orderedTransform(
              async (item: { id: number; ms: number }, { index }) => {
                expect(index).toBe(item.id);
                peak = Math.max(peak, ++inFlight);
                try {
                  return await delayed(item.id, item.ms, index, syncEvery);
                } finally {
                  inFlight--;
                }
              },
              { concurrency, readableHighWaterMark, writableHighWaterMark },
            ),
          ),
        );
        expect(out).toEqual(items.map((item) => item.id));
        expect(peak).toBeLessThanOrEqual(concurrency);
      }),
      { numRuns: 60 },
    );
  });

  it('flat variant: concatenation of per-item outputs in input order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), { maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        async (spec, concurrency) => {
          const out = await collect(
            source(spec.map((s, i) => ({ id: i, count: s[0], ms: s[1] }))).pipeThrough(
              orderedFlatTransform(
                async (item: { id: number; count: number; ms: number }) => {
                  await sleep(item.ms);
                  return Array.from({ length: item.count }, (_, k) => `${item.id}:${k}`);
                },
                { concurrency },
              ),
            ),
          );
          const expected = spec.flatMap((s, i) => Array.from({ length: s[0] }, (_, k) => `${i}:${k}`));
          expect(out).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a failure at a random position: exactly the items before it, then its error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 25 }),
        fc.nat(),
        fc.integer({ min: 1, max: 6 }),
        async (delays, at, concurrency) => {
          const failAt = at % delays.length;
          const failure = new Error(`fail ${failAt}`);
          const values: number[] = [];
          const reader = source(delays.map((ms, i) => ({ i, ms })))
            .pipeThrough(
              orderedTransform(
                async ({ i, ms }: { i: number; ms: number }) => {
                  await sleep(ms);
                  if (i === failAt) throw failure;
                  return i;
                },
                { concurrency },
              ),
            )
            .getReader();
          let error: unknown;
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              values.push(value);
            }
          } catch (e) {
            error = e;
          }
          expect(error).toBe(failure);
          expect(values).toEqual([...Array(failAt).keys()]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
