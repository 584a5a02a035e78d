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
 * Limits: work that is neither returned from a stage function nor `track()`ed
 * (say, a TransformStream stage calling crypto.subtle) is only waited for one
 * macrotask per step; `setTimeout` inside extension code runs in real time.
 * Runs must not overlap (the delegates are global), which vitest guarantees
 * for the tests of one file unless they are marked concurrent.
 */
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

export class AsyncTestScheduler extends TestScheduler {
  private readonly pending = new Set<PromiseLike<unknown>>();

  constructor(assert: (actual: TestMessage[], expected: TestMessage[]) => void) {
    super((actual, expected) => assert(actual as TestMessage[], expected as TestMessage[]));
  }

  /** Registers real async work the clock must wait for before moving on. */
  track<T>(work: PromiseLike<T>): PromiseLike<T> {
    this.pending.add(work);
    const done = (): void => void this.pending.delete(work);
    work.then(done, done);
    return work;
  }

  /** A Promise that resolves when virtual time has advanced by `ms`. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const action = this.schedule(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        action.unsubscribe();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Like `run()`, but the callback may be async and flushing waits for tracked work. */
  async runAsync<T>(callback: () => T | Promise<T>): Promise<T> {
    if (active) throw new Error('virtual-time marble runs cannot overlap: run them one after another');
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

  /** Waits until tracked work has settled and the microtasks it caused have run. */
  private async settle(): Promise<void> {
    do {
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      await nextMacrotask();
    } while (this.pending.size > 0);
  }
}
