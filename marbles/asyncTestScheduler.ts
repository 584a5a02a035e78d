/**
 * Virtual time for extensions whose work is asynchronous.
 *
 * rxjs' `TestScheduler.run()` flushes synchronously: a stage that returns a
 * Promise (WebCrypto, zlib, an `async` function) settles only after the flush
 * is over, so its output is simply missing from the diagram. This scheduler
 * flushes asynchronously instead. Before each step of the virtual clock it
 *   1. waits for every promise handed to `track()` (the kit tracks what
 *      `frame`/`message` stage functions return) to settle, and
 *   2. lets one macrotask pass, so the promise continuations of the pipeline
 *      (web streams, `from(promise)`) run at the current frame;
 * only then does it execute the next scheduled action. Real async work thus
 * takes zero virtual time and finishes *before* the clock moves; to make work
 * take virtual time (and finish out of order) use `sleep()` or the kit's
 * `withLatency()`. Operators built on rxjs time (`delay`, `timer`, `asapScheduler`)
 * run in virtual time as they do in `run()`: the same delegates are installed.
 *
 * A stage function may itself `await sleep(ms)`: the kit follows which work
 * a sleep belongs to (AsyncLocalStorage) and does not wait for work that is
 * parked on the clock.
 *
 * Limits: work that is neither returned from a stage function nor `track()`ed
 * (say, a TransformStream stage calling crypto.subtle) is only waited for one
 * macrotask per step; `setTimeout` inside extension code runs in real time.
 * Runs must not overlap (the delegates are global), which vitest guarantees
 * for the tests of one file unless they are marked concurrent.
 */
import { Observable, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { TestMessage } from 'rxjs/internal/testing/TestMessage';
import { animationFrameProvider } from 'rxjs/internal/scheduler/animationFrameProvider';
import { dateTimestampProvider } from 'rxjs/internal/scheduler/dateTimestampProvider';
import { immediateProvider } from 'rxjs/internal/scheduler/immediateProvider';
import { intervalProvider } from 'rxjs/internal/scheduler/intervalProvider';
import { timeoutProvider } from 'rxjs/internal/scheduler/timeoutProvider';
import { performanceTimestampProvider } from 'rxjs/internal/scheduler/performanceTimestampProvider';

/** The private parts of rxjs' TestScheduler that `run()` itself uses. */
interface TestSchedulerInternals {
  runMode: boolean;
  flushTests: { ready: boolean; actual: TestMessage[]; expected: TestMessage[] }[];
  createDelegates(): { immediate: unknown; interval: unknown; timeout: unknown };
  createAnimator(): { delegate: unknown };
}

let active: AsyncTestScheduler | undefined;

const nextMacrotask: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/** One piece of real async work the clock waits for, unless it is parked in `sleep()`. */
interface Work {
  readonly settled: Promise<void>;
  /** Sleeps this work is currently waiting in: while > 0 it waits on the clock, not on I/O. */
  parked: number;
}

// Which tracked work a `sleep()` call belongs to follows the async call chain
// (AsyncLocalStorage, Node/Deno/Bun). Without it, sleeping inside a tracked
// stage function would make the clock wait for itself: there, use withLatency.
const workContext: { run<R>(store: Work, fn: () => R): R; getStore(): Work | undefined } | undefined = await import(
  'node:async_hooks'
).then(
  (m) => new m.AsyncLocalStorage<Work>(),
  () => undefined,
);

export class AsyncTestScheduler extends TestScheduler {
  private readonly pending = new Set<Work>();
  private parkedSignal: (() => void) | undefined;
  private readonly owned = new Set<Subscription>();

  /**
   * @param settleTimeout real milliseconds tracked work may take per step
   *   before the run fails (a stage that waits on something that never
   *   comes would otherwise hang the test without saying why)
   */
  constructor(
    assert: (actual: TestMessage[], expected: TestMessage[]) => void,
    private readonly settleTimeout = 5_000,
  ) {
    super((actual, expected) => assert(actual as TestMessage[], expected as TestMessage[]));
  }

  /** Registers real async work the clock must wait for before moving on. */
  track<T>(work: PromiseLike<T>): PromiseLike<T> {
    this.register(work, { settled: Promise.resolve(), parked: 0 });
    return work;
  }

  /**
   * Calls `fn` as tracked work: if it returns a promise, the clock waits for
   * it — except while it is parked in `sleep()`, which is virtual time.
   */
  runTracked<T>(fn: () => T): T {
    const work: Work = { settled: Promise.resolve(), parked: 0 };
    const result = workContext ? workContext.run(work, fn) : fn();
    if (isPromiseLike(result)) this.register(result, work);
    return result;
  }

  private register(promise: PromiseLike<unknown>, work: Work): void {
    const done = (): void => void this.pending.delete(work);
    (work as { settled: Promise<void> }).settled = Promise.resolve(promise).then(done, done);
    this.pending.add(work);
  }

  /**
   * The same observable, but every subscription to it is ended when the run
   * ends (passed or failed): pipelines that never completed release their
   * sessions' in-flight work instead of leaking into the next test.
   */
  own<T>(source: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const subscription = source.subscribe(subscriber);
      this.owned.add(subscription);
      subscription.add(() => this.owned.delete(subscription));
      return subscription;
    });
  }

  /** A Promise that resolves when virtual time has advanced by `ms`. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const work = workContext?.getStore();
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const unpark = (): void => {
        if (work) work.parked--;
        signal?.removeEventListener('abort', onAbort);
      };
      const action = this.schedule(() => {
        unpark();
        resolve();
      }, ms);
      const onAbort = (): void => {
        action.unsubscribe();
        unpark();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (work) {
        work.parked++;
        this.parkedSignal?.();
      }
    });
  }

  /** Like `run()`, but the callback may be async and flushing waits for tracked work. */
  async runAsync<T>(callback: () => T | Promise<T>): Promise<T> {
    if (active) {
      throw new Error('virtual-time marble runs cannot overlap: run them one after another (or did an earlier run time out?)');
    }
    active = this;
    const internals = this as unknown as TestSchedulerInternals;
    const previousFactor = TestScheduler.frameTimeFactor;
    const previousMaxFrames = this.maxFrames;
    TestScheduler.frameTimeFactor = 1;
    this.maxFrames = Infinity;
    internals.runMode = true;
    const delegates = internals.createDelegates();
    animationFrameProvider.delegate = internals.createAnimator().delegate as never;
    dateTimestampProvider.delegate = this;
    immediateProvider.delegate = delegates.immediate as never;
    intervalProvider.delegate = delegates.interval as never;
    timeoutProvider.delegate = delegates.timeout as never;
    performanceTimestampProvider.delegate = this;
    try {
      const result = await callback();
      await this.flushAsync();
      return result;
    } finally {
      for (const subscription of [...this.owned]) subscription.unsubscribe();
      TestScheduler.frameTimeFactor = previousFactor;
      this.maxFrames = previousMaxFrames;
      internals.runMode = false;
      animationFrameProvider.delegate = undefined;
      dateTimestampProvider.delegate = undefined;
      immediateProvider.delegate = undefined;
      intervalProvider.delegate = undefined;
      timeoutProvider.delegate = undefined;
      performanceTimestampProvider.delegate = undefined;
      active = undefined;
    }
  }

  /** Runs virtual time to the end, settling tracked work before every step, then checks expectations. */
  async flushAsync(): Promise<void> {
    while (this.hotObservables.length > 0) this.hotObservables.shift()!.setup();
    for (;;) {
      await this.settle();
      const action = this.actions[0];
      if (!action) break;
      this.actions.shift();
      this.frame = action.delay;
      const error = action.execute(action.state, action.delay);
      if (error) {
        for (let rest = this.actions.shift(); rest; rest = this.actions.shift()) rest.unsubscribe();
        throw error;
      }
    }
    const internals = this as unknown as TestSchedulerInternals;
    const ready = internals.flushTests.filter((t) => t.ready);
    internals.flushTests = internals.flushTests.filter((t) => !t.ready);
    for (const test of ready) this.assertDeepEqual(test.actual, test.expected);
  }

  /**
   * Waits until every tracked piece of work has settled or is parked in a
   * virtual `sleep()`, and the microtasks that caused have run.
   */
  private async settle(): Promise<void> {
    for (;;) {
      const busy = [...this.pending].filter((w) => w.parked === 0);
      if (busy.length > 0) {
        const parked = new Promise<void>((resolve) => (this.parkedSignal = resolve));
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), this.settleTimeout)));
        const outcome = await Promise.race([...busy.map((w) => w.settled), parked, stuck]);
        clearTimeout(timer);
        this.parkedSignal = undefined;
        if (outcome === 'stuck') {
          const count = [...this.pending].filter((w) => w.parked === 0).length;
          throw new Error(
            `${count} piece${count === 1 ? '' : 's'} of stage work ${count === 1 ? 'has' : 'have'} not settled after ` +
              `${this.settleTimeout} ms of real time (virtual frame ${this.frame}); work that waits on virtual time ` +
              'must use sleep() or withLatency()',
          );
        }
        continue;
      }
      await nextMacrotask();
      if (![...this.pending].some((w) => w.parked === 0)) return;
    }
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
