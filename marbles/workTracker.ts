/**
 * Which real async work the virtual clock must wait for.
 *
 * Stage functions' promises are registered as *work*; the clock may move on
 * only when every piece of work has settled — or is *parked*, waiting in a
 * virtual `sleep()`, which would otherwise make the clock wait for itself.
 * Which work a `sleep()` belongs to follows the async call chain through
 * AsyncLocalStorage (Node, Deno, Bun); where it is missing, sleeping inside a
 * tracked function is not recognised, and `withLatency` is the way to add time.
 */

/** One piece of tracked work. */
interface Work {
  settled: Promise<void>;
  /** Sleeps this work is waiting in: while > 0 it waits on the clock, not on I/O. */
  parked: number;
}

const workContext: { run<R>(store: Work, fn: () => R): R; getStore(): Work | undefined } | undefined = await import(
  'node:async_hooks'
).then(
  (m) => new m.AsyncLocalStorage<Work>(),
  () => undefined,
);

const nextMacrotask: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

export class WorkTracker {
  private readonly pending = new Set<Work>();
  private parkedSignal: (() => void) | undefined;

  /** Registers a promise as work (it must not wait on virtual time itself). */
  track<T>(promise: PromiseLike<T>): PromiseLike<T> {
    this.register(promise, { settled: Promise.resolve(), parked: 0 });
    return promise;
  }

  /** Calls `fn`; a promise it returns is work, and sleeps inside it park that work. */
  run<T>(fn: () => T): T {
    const work: Work = { settled: Promise.resolve(), parked: 0 };
    const result = workContext ? workContext.run(work, fn) : fn();
    if (isPromiseLike(result)) this.register(result, work);
    return result;
  }

  /** Marks the current work (if any) as waiting on the clock; returns the function that unparks it. */
  park(): () => void {
    const work = workContext?.getStore();
    if (!work) return () => undefined;
    work.parked++;
    this.parkedSignal?.();
    let done = false;
    return () => {
      if (!done) work.parked--;
      done = true;
    };
  }

  /**
   * Resolves once no work is busy (all settled or parked) and the microtasks
   * that caused have run; rejects when busy work takes longer than
   * `timeout` ms of real time.
   */
  async settle(timeout: number, describeTime: () => string): Promise<void> {
    for (;;) {
      const busy = this.busy();
      if (busy.length === 0) {
        await nextMacrotask();
        if (this.busy().length === 0) return;
        continue;
      }
      const parked = new Promise<void>((resolve) => (this.parkedSignal = resolve));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), timeout)));
      const outcome = await Promise.race([...busy.map((w) => w.settled), parked, stuck]);
      clearTimeout(timer);
      this.parkedSignal = undefined;
      if (outcome === 'stuck') {
        const n = this.busy().length;
        throw new Error(
          `${n} piece${n === 1 ? '' : 's'} of stage work ${n === 1 ? 'has' : 'have'} not settled after ${timeout} ms ` +
            `of real time (${describeTime()}); work that waits on virtual time must use sleep() or withLatency()`,
        );
      }
    }
  }

  private busy(): Work[] {
    return [...this.pending].filter((w) => w.parked === 0);
  }

  private register(promise: PromiseLike<unknown>, work: Work): void {
    const done = (): void => void this.pending.delete(work);
    work.settled = Promise.resolve(promise).then(done, done);
    this.pending.add(work);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
