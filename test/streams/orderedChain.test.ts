import { describe, expect, it } from 'vitest';
import { OrderedChain, type OrderedLevel } from '../../src/streams/orderedChain.js';
import type { OrderedContext } from '../../src/streams/orderedSlots.js';
import { deferred, settle, sleep, type Deferred } from './streamHelpers.js';

// The sans-I/O ordering engine on its own: no streams, no rxjs.
function harness<O>(levels: OrderedLevel[]) {
  const out: O[] = [];
  let failure: { error: unknown } | undefined;
  let changes = 0;
  const chain = new OrderedChain<unknown, O>(levels, {
    emit: (o) => out.push(o),
    changed: () => changes++,
    failed: (error) => (failure = { error }),
  });
  return { chain, out, failure: () => failure, changes: () => changes };
}

const level = (fn: (item: never, ctx: OrderedContext) => unknown, concurrency = 1, flat = false): OrderedLevel => ({ fn, flat, concurrency });

describe('OrderedChain', () => {
  it('synchronous levels emit during push, with no promise involved', () => {
    const { chain, out } = harness<string>([level((n: number) => n * 2), level((n: number) => [`${n}`, `${n}!`], 1, true)]);
    chain.push(1);
    chain.push(2);
    expect(out).toEqual(['2', '2!', '4', '4!']);
    expect(chain.idle).toBe(true);
  });

  it('each level calls its function in input order and keeps its own concurrency', async () => {
    const calls: string[] = [];
    const peak = [0, 0];
    const running = [0, 0];
    const timed = (lvl: number, ms: (n: number) => number) => async (n: number) => {
      calls.push(`${lvl}:${n}`);
      peak[lvl] = Math.max(peak[lvl]!, ++running[lvl]!);
      await sleep(ms(n));
      running[lvl]!--;
      return n;
    };
    const { chain, out } = harness<number>([level(timed(0, (n) => 10 - n), 3), level(timed(1, (n) => n % 3), 2)]);
    const pending = [...Array(10).keys()];
    while (pending.length > 0 || !chain.idle) {
      while (pending.length > 0 && chain.canAccept()) chain.push(pending.shift());
      await sleep(1);
    }
    expect(out).toEqual([...Array(10).keys()]);
    expect(calls.filter((c) => c.startsWith('0:'))).toEqual([...Array(10).keys()].map((n) => `0:${n}`));
    expect(calls.filter((c) => c.startsWith('1:'))).toEqual([...Array(10).keys()].map((n) => `1:${n}`));
    expect(peak).toEqual([3, 2]);
  });

  it('refuses new input while any level has items waiting for a slot (bounded memory)', async () => {
    const gate = deferred();
    const { chain } = harness<number>([level((n: number) => [n, n, n], 1, true), level(() => gate.promise, 1)]);
    expect(chain.canAccept()).toBe(true);
    chain.push(1); // level 0 emits three items at once; level 1 takes one, two wait
    expect(chain.canAccept()).toBe(false);
    gate.resolve();
    await settle();
    expect(chain.canAccept()).toBe(true);
  });

  it('a failure at level 0 lets the items ahead of it drain through level 1, then reports', async () => {
    const gates = new Map<number, Deferred<number>>();
    const aborted: number[] = [];
    const failure = new Error('item 2');
    const { chain, out, failure: failed } = harness<number>([
      level(async (n: number, { signal }) => {
        signal.addEventListener('abort', () => aborted.push(n));
        if (n === 2) throw failure;
        if (n === 3) return new Promise<number>((resolve) => signal.addEventListener('abort', () => setTimeout(() => resolve(n), 5)));
        return n;
      }, 4),
      level((n: number) => {
        const gate = deferred<number>();
        gates.set(n, gate);
        return gate.promise;
      }, 4),
    ]);
    for (const n of [0, 1, 2, 3]) chain.push(n);
    await settle();
    // 0 and 1 are in level 1; 2 failed at level 0; 3 (behind it) was aborted.
    expect(aborted).toEqual([3]);
    expect(failed()).toBeUndefined();
    gates.get(1)!.resolve(1);
    gates.get(0)!.resolve(0);
    await settle();
    expect(out).toEqual([0, 1]);
    expect(failed()).toEqual({ error: failure });
  });

  it('a failure at level 1 aborts the work behind it at level 0', async () => {
    const aborted: number[] = [];
    const failure = new Error('late');
    const { chain, out, failure: failed } = harness<number>([
      level(
        (n: number, { signal }) =>
          n === 0 ? 0 : new Promise<number>((_resolve, reject) => signal.addEventListener('abort', () => (aborted.push(n), reject(signal.reason)))),
        3,
      ),
      level(async (n: number) => {
        await sleep(2);
        if (n === 0) throw failure;
        return n;
      }),
    ]);
    for (const n of [0, 1, 2]) chain.push(n);
    expect(aborted).toEqual([]);
    await settle();
    expect(out).toEqual([]);
    expect(aborted).toEqual([1, 2]);
    expect(failed()).toEqual({ error: failure });
  });

  it('levelDone: an upstream level is done before a slow downstream level', async () => {
    const gate = deferred<number>();
    const { chain } = harness<number>([level((n: number) => n), level(() => gate.promise)]);
    const done: number[] = [];
    void chain.levelDone(0).then(() => done.push(0));
    void chain.levelDone(1).then(() => done.push(1));
    chain.push(1);
    await settle();
    expect(done).toEqual([]); // input still open
    chain.closeInput();
    await settle();
    expect(done).toEqual([0]);
    gate.resolve(1);
    await settle();
    expect(done).toEqual([0, 1]);
  });

  it('end() aborts everything, resolves once the work settled, and marks every level done', async () => {
    const settledItems: number[] = [];
    const { chain, out } = harness<number>([
      level(
        (n: number, { signal }) =>
          new Promise<number>((resolve) =>
            signal.addEventListener('abort', () => setTimeout(() => (settledItems.push(n), resolve(n)), 5)),
          ),
        2,
      ),
      level((n: number) => n),
    ]);
    chain.push(1);
    chain.push(2);
    const ended = chain.end('stop');
    expect(chain.canAccept()).toBe(false);
    await ended;
    expect(settledItems.sort()).toEqual([1, 2]);
    await Promise.all([chain.levelDone(0), chain.levelDone(1)]);
    expect(out).toEqual([]);
  });

  it('needs at least one level', () => {
    expect(() => new OrderedChain([], { emit() {}, changed() {}, failed() {} })).toThrow(RangeError);
  });
});
