/**
 * Runs a sliced job (a generator whose `yield`s mark safe pause points)
 * synchronously while it stays within a time budget, then continues
 * asynchronously, yielding to the event loop between budgets.
 *
 * Why: one synchronous native call per message is what makes small messages
 * fast (no thread-pool hop), but a 100 MiB frame compressed in one call would
 * freeze the event loop for seconds. Slicing bounds the longest synchronous
 * stretch (reported by bench/deflate.bench.ts) at roughly the budget plus one
 * slice, while small jobs still complete synchronously and return a plain value.
 */

/** Default synchronous budget per stretch, in milliseconds. */
export const DEFAULT_SLICE_BUDGET_MS = 4;

const now: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();

type Scheduler = (callback: () => void) => void;
const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
// setImmediate lets I/O callbacks run in between (Node); setTimeout elsewhere.
const schedule: Scheduler = g.setImmediate ? (callback) => void g.setImmediate!(callback) : (callback) => void setTimeout(callback, 0);

/** Resolves on a later turn of the event loop. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => schedule(resolve));
}

/**
 * Returns the job's result directly if it finished within `budgetMs`,
 * otherwise a promise of it. An aborted `signal` stops the job at its next pause.
 *
 * @example
 * function* job() { yield; return 42; }
 * drive(job(), 4); // 42 (synchronously)
 */
export function drive<T>(job: Generator<void, T, void>, budgetMs: number, signal?: AbortSignal): T | Promise<T> {
  const start = now();
  for (;;) {
    const step = job.next();
    if (step.done) return step.value;
    if (now() - start >= budgetMs) return continueLater(job, budgetMs, signal);
  }
}

async function continueLater<T>(job: Generator<void, T, void>, budgetMs: number, signal?: AbortSignal): Promise<T> {
  for (;;) {
    await yieldToEventLoop();
    if (signal?.aborted) {
      job.return(undefined as never);
      throw signal.reason ?? new Error('aborted');
    }
    const start = now();
    for (;;) {
      const step = job.next();
      if (step.done) return step.value;
      if (now() - start >= budgetMs) break;
    }
  }
}

/** Runs a sliced job to completion synchronously. */
export function runToEnd<T>(job: Generator<void, T, void>): T {
  for (;;) {
    const step = job.next();
    if (step.done) return step.value;
  }
}
