/**
 * What rxjs' `TestScheduler.run()` switches on, as a pair of calls instead of
 * a synchronous callback, so that a run can be `async`: one frame per marble
 * character, no frame limit, and the rxjs time providers delegated to the test
 * scheduler (so `delay`, `timer`, `asapScheduler`… inside extension operators
 * use virtual time). The providers are process-wide: only one run at a time.
 */
import { TestScheduler } from 'rxjs/testing';
import type { TestMessage } from 'rxjs/internal/testing/TestMessage';
import { animationFrameProvider } from 'rxjs/internal/scheduler/animationFrameProvider';
import { dateTimestampProvider } from 'rxjs/internal/scheduler/dateTimestampProvider';
import { immediateProvider } from 'rxjs/internal/scheduler/immediateProvider';
import { intervalProvider } from 'rxjs/internal/scheduler/intervalProvider';
import { timeoutProvider } from 'rxjs/internal/scheduler/timeoutProvider';
import { performanceTimestampProvider } from 'rxjs/internal/scheduler/performanceTimestampProvider';

/** The private parts of rxjs' TestScheduler that `run()` itself uses (rxjs 7.8). */
export interface TestSchedulerInternals {
  runMode: boolean;
  flushTests: { ready: boolean; actual: TestMessage[]; expected: TestMessage[] }[];
  createDelegates(): { immediate: unknown; interval: unknown; timeout: unknown };
  createAnimator(): { delegate: unknown };
}

let active: TestScheduler | undefined;

/** Puts `scheduler` in run mode; returns the function that undoes it. Throws if another run is active. */
export function enterRunMode(scheduler: TestScheduler): () => void {
  if (active) {
    throw new Error('virtual-time marble runs cannot overlap: run them one after another (or did an earlier run time out?)');
  }
  active = scheduler;
  const internals = scheduler as unknown as TestSchedulerInternals;
  const previousFactor = TestScheduler.frameTimeFactor;
  const previousMaxFrames = scheduler.maxFrames;
  TestScheduler.frameTimeFactor = 1;
  scheduler.maxFrames = Infinity;
  internals.runMode = true;
  const delegates = internals.createDelegates();
  animationFrameProvider.delegate = internals.createAnimator().delegate as never;
  dateTimestampProvider.delegate = scheduler;
  immediateProvider.delegate = delegates.immediate as never;
  intervalProvider.delegate = delegates.interval as never;
  timeoutProvider.delegate = delegates.timeout as never;
  performanceTimestampProvider.delegate = scheduler;
  return () => {
    TestScheduler.frameTimeFactor = previousFactor;
    scheduler.maxFrames = previousMaxFrames;
    internals.runMode = false;
    animationFrameProvider.delegate = undefined;
    dateTimestampProvider.delegate = undefined;
    immediateProvider.delegate = undefined;
    intervalProvider.delegate = undefined;
    timeoutProvider.delegate = undefined;
    performanceTimestampProvider.delegate = undefined;
    active = undefined;
  };
}
