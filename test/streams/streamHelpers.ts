// Small helpers shared by the pipeline stream tests (not a test file itself).

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets queued microtasks and stream bookkeeping run (a few macrotask turns). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await sleep(0);
}

/** A source that counts how many items were pulled from it (highWaterMark 0: only on demand). */
export function countingSource<T>(items: Iterable<T> | (() => T), options: { endless?: boolean } = {}) {
  const iterator = typeof items === 'function' ? undefined : items[Symbol.iterator]();
  const state = { pulled: 0, cancelled: false as boolean, cancelReason: undefined as unknown };
  const stream = new ReadableStream<T>(
    {
      pull(controller) {
        if (iterator) {
          const next = iterator.next();
          if (next.done) return controller.close();
          state.pulled++;
          controller.enqueue(next.value);
        } else {
          state.pulled++;
          controller.enqueue((items as () => T)());
        }
        void options;
      },
      cancel(reason) {
        state.cancelled = true;
        state.cancelReason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

/** Reads a stream to its end; returns the values, or throws its error with `values` attached. */
export async function collect<T>(readable: ReadableStream<T>): Promise<T[]> {
  const values: T[] = [];
  const reader = readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return values;
      values.push(value);
    }
  } catch (error) {
    throw Object.assign(new CollectError(error), { values });
  }
}

export class CollectError extends Error {
  values: unknown[] = [];
  constructor(readonly error: unknown) {
    super('stream errored');
  }
}

/** Reads until the stream ends or errors, returning both what was read and how it ended. */
export async function readAll<T>(readable: ReadableStream<T>): Promise<{ values: T[]; error?: unknown }> {
  try {
    return { values: await collect(readable) };
  } catch (error) {
    const failure = error as CollectError;
    return { values: failure.values as T[], error: failure.error };
  }
}

export function streamOf<T>(items: readonly T[]): ReadableStream<T> {
  let i = 0;
  return new ReadableStream<T>({
    pull(controller) {
      if (i < items.length) controller.enqueue(items[i++]!);
      else controller.close();
    },
  });
}
