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
import { enterRunMode, type TestSchedulerInternals } from './runMode.js';
import { WorkTracker } from './workTracker.js';

export class AsyncTestScheduler extends TestScheduler {
  private readonly work = new WorkTracker();
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
    return this.work.track(work);
  }

  /**
   * Calls `fn` as tracked work: if it returns a promise, the clock waits for
   * it — except while it is parked in `sleep()`, which is virtual time.
   */
  runTracked<T>(fn: () => T): T {
    return this.work.run(fn);
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
    if (!(ms >= 0) || !Number.isFinite(ms)) return Promise.reject(new RangeError(`sleep(ms): ms must be a finite number ≥ 0, got ${ms}`));
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const unpark = this.work.park();
      const finish = (): void => {
        unpark();
        signal?.removeEventListener('abort', onAbort);
      };
      const action = this.schedule(() => {
        finish();
        resolve();
      }, ms);
      const onAbort = (): void => {
        action.unsubscribe();
        finish();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Like `run()`, but the callback may be async and flushing waits for tracked work. */
  async runAsync<T>(callback: () => T | Promise<T>): Promise<T> {
    const leaveRunMode = enterRunMode(this);
    try {
      const result = await callback();
      await this.flushAsync();
      return result;
    } finally {
      for (const subscription of [...this.owned]) subscription.unsubscribe();
      leaveRunMode();
    }
  }

  /** Runs virtual time to the end, settling tracked work before every step, then checks expectations. */
  async flushAsync(): Promise<void> {
    while (this.hotObservables.length > 0) this.hotObservables.shift()!.setup();
    for (;;) {
      await this.work.settle(this.settleTimeout, () => `virtual frame ${this.frame}`);
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
}
