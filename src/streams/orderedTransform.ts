/**
 * The order-preserving concurrent stage: up to `concurrency` items in flight,
 * finishing in any order, emitted in input order. The stream adapter is
 * `OrderedStage`; the ordering itself is `OrderedChain`.
 */
import { checkConcurrency, type OrderedContext } from './orderedSlots.js';
import type { OrderedLevel } from './orderedChain.js';
import { OrderedStage } from './orderedStage.js';
import type { OrderedOutput } from './orderedOutput.js';

export type { OrderedContext } from './orderedSlots.js';
export type { OrderedOutput, OrderedOutputHooks } from './orderedOutput.js';

export interface OrderedTransformOptions {
  /** Items whose work may run at once (default 1). */
  concurrency?: number;
  /** Outputs buffered for a slow reader before the writer is held back (default 0, like TransformStream). */
  readableHighWaterMark?: number;
  /**
   * Inputs queued before writers see backpressure (default 1, like
   * TransformStream; at least 1: `pipeTo` waits forever on a writable with no room).
   */
  writableHighWaterMark?: number;
}

/**
 * Applies `fn` to every item, up to `concurrency` at once, and emits the
 * results in input order. Memory stays bounded: at most `concurrency` items
 * are in flight, at most `writableHighWaterMark` wait in front of them and
 * the reader's buffer is only refilled while it is below
 * `readableHighWaterMark`, so a slow reader stops the writer.
 *
 * If item k fails, items before k are still emitted, then the readable errors
 * with k's error; later items are aborted (their `signal` fires), awaited and
 * dropped. Cancelling the readable or aborting the writable aborts and awaits
 * all in-flight work the same way.
 *
 * @example
 * const lengths = orderedTransform(
 *   async (url: string, { signal }) => (await fetch(url, { signal })).headers.get('content-length'),
 *   { concurrency: 4 },
 * );
 * await urls.pipeThrough(lengths).pipeTo(sink);
 */
export function orderedTransform<I, O>(
  fn: (item: I, context: OrderedContext) => O | PromiseLike<O>,
  options: OrderedTransformOptions = {},
): TransformStream<I, O> {
  const concurrency = checkConcurrency(options.concurrency, 1);
  return new OrderedStage<I, O>([{ fn, flat: false, concurrency }], options).pair;
}

/**
 * Like `orderedTransform`, but each item yields zero or more outputs (an
 * iterable, e.g. an array), emitted in place of the item.
 *
 * @example
 * const split = orderedFlatTransform((line: string) => line.split(' '));
 * // 'a b', 'c'  →  'a', 'b', 'c'
 */
export function orderedFlatTransform<I, O>(
  fn: (item: I, context: OrderedContext) => Iterable<O> | PromiseLike<Iterable<O>>,
  options: OrderedTransformOptions = {},
): TransformStream<I, O> {
  const concurrency = checkConcurrency(options.concurrency, 1);
  return new OrderedStage<I, O>([{ fn, flat: true, concurrency }], options).pair;
}

/** A TransformStream over a chain of ordered levels, with a promise per level telling when its work is done. */
export interface OrderedChainTransform<I, O> extends TransformStream<I, O> {
  readonly levelDone: readonly Promise<void>[];
  /** The readable end, for items put around the chain (the pipeline's control frames). */
  readonly output: OrderedOutput<O>;
  /** The last level's `levelDone`: the whole chain has no work left. */
  readonly done: Promise<void>;
  /** Stops the chain now: in-flight work is aborted, both ends error with `reason`. */
  abort(reason: unknown): void;
}

/**
 * Runs several ordered levels as one stream: each level's outputs feed the
 * next directly, without a stream hop between them; each keeps its own
 * concurrency and sees its items in order. `concurrency` in `options` is
 * ignored (each level has its own).
 *
 * @example
 * const both = orderedChainTransform<string, number>([
 *   { fn: (s: string) => s.split(','), flat: true, concurrency: 1 },
 *   { fn: async (part: string) => Number(part), flat: false, concurrency: 4 },
 * ]);
 */
export function orderedChainTransform<I, O>(
  levels: readonly OrderedLevel[],
  options: Omit<OrderedTransformOptions, 'concurrency'> = {},
): OrderedChainTransform<I, O> {
  for (const level of levels) checkConcurrency(level.concurrency, 1);
  const stage = new OrderedStage<I, O>(levels, options);
  const levelDone = levels.map((_, i) => stage.chain.levelDone(i));
  return { ...stage.pair, levelDone, output: stage, done: levelDone[levelDone.length - 1]!, abort: (reason) => stage.abort(reason) };
}
