/**
 * The bookkeeping behind `orderedTransform`: one slot per started item, kept
 * in input order, each settling whenever its work finishes. Nothing here knows
 * about streams; the stream adapter decides when to start items and where to
 * put results.
 */

const RUNNING = 0;
const DONE = 1;
const FAILED = 2;

/** What a per-item function gets besides its item. */
export interface OrderedContext {
  /** Aborted when the item's result can no longer be used (cancel, abort, an earlier error). */
  readonly signal: AbortSignal;
  /** 0-based position of the item in the input. */
  readonly index: number;
}

/** One started item. Its AbortController is created only if the function asks for `signal`. */
export class Slot<R> implements OrderedContext {
  state: typeof RUNNING | typeof DONE | typeof FAILED = RUNNING;
  result: R | undefined = undefined;
  error: unknown = undefined;
  /** Settles (never rejects) when the item's work has finished; set only for async work. */
  finished: Promise<void> | undefined = undefined;
  #controller: AbortController | undefined = undefined;
  #aborted = false;
  #abortReason: unknown = undefined;

  constructor(readonly index: number) {}

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  get running(): boolean {
    return this.state === RUNNING;
  }

  get failed(): boolean {
    return this.state === FAILED;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  /**
   * Runs `fn` for this slot. Synchronous results and throws settle the slot
   * at once (no promise is created: the common no-op/sync case stays cheap);
   * a thenable settles it later and then calls `onSettled`.
   */
  run<I>(fn: (item: I, context: OrderedContext) => R | PromiseLike<R>, item: I, onSettled: (slot: Slot<R>) => void): void {
    let value: R | PromiseLike<R>;
    try {
      value = fn(item, this);
    } catch (error) {
      this.state = FAILED;
      this.error = error;
      return;
    }
    if (!isThenable(value)) {
      this.state = DONE;
      this.result = value;
      return;
    }
    this.finished = Promise.resolve(value).then(
      (result) => {
        this.state = DONE;
        this.result = result;
        onSettled(this);
      },
      (error: unknown) => {
        this.state = FAILED;
        this.error = error;
        onSettled(this);
      },
    );
  }
}

export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<T>).then === 'function'
  );
}

/** Validates a concurrency option: a whole number ≥ 1, or Infinity. */
export function checkConcurrency(concurrency: number | undefined, fallback: number): number {
  const value = concurrency ?? fallback;
  if (!(value === Infinity || (Number.isInteger(value) && value >= 1))) {
    throw new RangeError(`concurrency must be a whole number ≥ 1 or Infinity, got ${String(concurrency)}`);
  }
  return value;
}

/** Validates a high-water mark option: a number ≥ `min` (0 unless given). */
export function checkHighWaterMark(name: string, value: number | undefined, fallback: number, min = 0): number {
  const mark = value ?? fallback;
  if (!(typeof mark === 'number' && mark >= min)) {
    throw new RangeError(`${name} must be a number ≥ ${min}, got ${String(value)}`);
  }
  return mark;
}
