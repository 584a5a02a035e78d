/**
 * The ordering engine, sans-I/O: a chain of levels, each applying a function
 * to its items with up to `concurrency` in flight and passing results on in
 * input order. Streams (`orderedTransform`, the extension pipeline) and Rx
 * (`stageToOperator`, `applyExtensions`) are thin adapters over it, so order,
 * bounds, errors and cancellation behave the same in both.
 *
 * Several extension stages written as functions run as levels of one chain
 * rather than as separate streams joined by pipes: a frame then costs a
 * function call per stage instead of a stream hop (promise round trips) per
 * stage, while each stage keeps its own concurrency and its calls stay in
 * input order (stateful stages such as message assembly rely on that).
 *
 * Errors: if item k fails at level L, whatever was ahead of it (already past
 * L) still drains through the later levels and is emitted; everything behind
 * it (levels ≤ L) is aborted through its AbortSignal; once that has settled,
 * `failed` is called. Nothing is emitted after it.
 */
import { type OrderedContext, Slot } from './orderedSlots.js';
import { Level } from './orderedLevel.js';

/** One level: a function over items, its concurrency, and whether it yields many outputs. */
export interface OrderedLevel {
  readonly fn: (item: never, context: OrderedContext) => unknown;
  /** The function returns an iterable of outputs (emitted in place of the item). */
  readonly flat: boolean;
  readonly concurrency: number;
}

export interface OrderedChainHooks<O> {
  /** A final output, in input order. */
  emit(output: O): void;
  /** Asynchronous work settled: capacity, idleness or the outcome may have changed. */
  changed(): void;
  /** The failure reached the end of the chain; everything before it was emitted. */
  failed(error: unknown): void;
}

/**
 * @example
 * const pending = [1, 2, 3];
 * const out: number[] = [];
 * const chain = new OrderedChain<number, number>(
 *   [{ fn: async (n: number) => n * 2, flat: false, concurrency: 4 }],
 *   { emit: (n) => out.push(n), changed: () => feed(), failed: (e) => console.error(e) },
 * );
 * const feed = () => { while (pending.length && chain.canAccept()) chain.push(pending.shift()!); };
 */
export class OrderedChain<I, O> {
  readonly #levels: Level[];
  readonly #hooks: OrderedChainHooks<O>;
  #inputClosed = false;
  #ended = false;
  #failure: { error: unknown; level: number; reported: boolean } | undefined;
  /** Aborted items whose work has not finished yet, and who waits for them all to finish. */
  #abandonedRunning = 0;
  #afterAbandoned: (() => void)[] = [];

  constructor(levels: readonly OrderedLevel[], hooks: OrderedChainHooks<O>) {
    if (levels.length === 0) throw new RangeError('an ordered chain needs at least one level');
    const settled = (level: Level, slot: Slot<unknown>) => this.#settled(level, slot);
    this.#levels = levels.map(
      (l, i) => new Level(i, l.fn as (item: unknown, context: OrderedContext) => unknown, l.flat, l.concurrency, settled),
    );
    this.#hooks = hooks;
  }

  /** Whether a new input may start now (level 0 has room and nothing waits anywhere). */
  canAccept(): boolean {
    if (this.#ended || this.#failure) return false;
    const first = this.#levels[0]!;
    if (first.slots.length >= first.concurrency) return false;
    for (const level of this.#levels) if (level.waiting.length > 0) return false;
    return true;
  }

  /** Starts an input at level 0. Callers check `canAccept()` first to keep memory bounded. */
  push(item: I): void {
    if (this.#ended || this.#failure) return;
    this.#feed(0, item);
  }

  /** No more input will come; levels become done as they drain. */
  closeInput(): void {
    this.#inputClosed = true;
    this.#checkDone();
  }

  /** Nothing in flight or waiting at any level. */
  get idle(): boolean {
    return this.#levels.every((level) => level.idle);
  }

  /** Stopped by `end()` or by a failure. */
  get stopped(): boolean {
    return this.#ended || this.#failure !== undefined;
  }

  /** Resolves once level `index` can do no more work (drained after `closeInput`, or stopped and settled). */
  levelDone(index: number): Promise<void> {
    return this.#levels[index]!.whenDone;
  }

  /** Stops everything now: all in-flight work is aborted with `reason`; resolves once it has settled. */
  end(reason: unknown): Promise<void> {
    if (!this.#ended) {
      this.#ended = true;
      this.#abandon(this.#levels.length - 1, reason);
      this.#checkDone();
    }
    return new Promise((resolve) => this.#whenAbandonedSettled(resolve));
  }

  /** Runs `then` once aborted work has finished: at once (synchronously) when none is running. */
  #whenAbandonedSettled(then: () => void): void {
    if (this.#abandonedRunning === 0) then();
    else this.#afterAbandoned.push(then);
  }

  #feed(index: number, item: unknown): void {
    const level = this.#levels[index]!;
    if (level.blocked) return; // behind a failed item: never to be emitted
    if (level.waiting.length === 0 && level.slots.length < level.concurrency) this.#start(level, index, item);
    else level.waiting.push(item);
  }

  #start(level: Level, index: number, item: unknown): void {
    const slot = new Slot<unknown>(level.started++);
    slot.run(level.fn, item, level.onSettled);
    if (slot.running || level.slots.length > 0) {
      level.slots.push(slot);
      if (slot.failed) level.blocked = true;
    } else if (slot.failed) {
      this.#fail(index, slot.error);
    } else {
      this.#deliver(index, slot.result);
    }
  }

  #settled(level: Level, slot: Slot<unknown>): void {
    if (this.#ended) return;
    const at = level.slots.indexOf(slot);
    if (at < 0) return; // abandoned earlier
    if (slot.failed) {
      // Everything after it at this level is doomed (an earlier failure may already have said so).
      level.blocked = true;
      level.waiting = [];
      for (let i = at + 1; i < level.slots.length; i++) level.slots[i]!.abort(slot.error);
    }
    this.#flush(level.index);
    this.#checkFailure();
    this.#checkDone();
    this.#hooks.changed();
  }

  /** Passes finished items on from the head of level `index`, then starts waiting ones. */
  #flush(index: number): void {
    const level = this.#levels[index]!;
    while (level.slots.length > 0 && !this.#ended) {
      const head = level.slots[0]!;
      if (head.running) break;
      level.slots.shift();
      if (head.failed) return this.#fail(index, head.error);
      this.#deliver(index, head.result);
    }
    while (!this.#ended && !level.blocked && level.waiting.length > 0 && level.slots.length < level.concurrency) {
      this.#start(level, index, level.waiting.shift());
    }
  }

  #deliver(index: number, result: unknown): void {
    const last = index === this.#levels.length - 1;
    if (!this.#levels[index]!.flat) {
      if (last) this.#hooks.emit(result as O);
      else this.#feed(index + 1, result);
      return;
    }
    try {
      for (const output of result as Iterable<unknown>) {
        if (this.#ended) return;
        if (last) this.#hooks.emit(output as O);
        else this.#feed(index + 1, output);
      }
    } catch (error) {
      this.#fail(index, error);
    }
  }

  /** The head of level `index` failed: everything behind it is doomed; what is ahead drains on. */
  #fail(index: number, error: unknown): void {
    if (this.#ended) return;
    this.#failure = { error, level: index, reported: false };
    this.#abandon(index, error);
    this.#checkFailure();
    this.#checkDone();
  }

  /** Aborts and drops all work at levels 0…`upTo`. */
  #abandon(upTo: number, reason: unknown): void {
    for (let i = 0; i <= upTo; i++) {
      const level = this.#levels[i]!;
      for (const slot of level.slots) {
        slot.abort(reason);
        if (slot.running && slot.finished) {
          this.#abandonedRunning++;
          void slot.finished.then(this.#abandonedSettledOne);
        }
      }
      level.slots = [];
      level.waiting = [];
      level.blocked = true;
    }
  }

  readonly #abandonedSettledOne = (): void => {
    if (--this.#abandonedRunning > 0) return;
    const waiting = this.#afterAbandoned;
    this.#afterAbandoned = [];
    for (const then of waiting) then();
  };

  /** Reports the failure once the levels after it have emitted everything ahead of it. */
  #checkFailure(): void {
    const failure = this.#failure;
    if (!failure || failure.reported || this.#ended) return;
    for (let i = failure.level + 1; i < this.#levels.length; i++) if (!this.#levels[i]!.idle) return;
    failure.reported = true;
    this.#whenAbandonedSettled(() => this.#hooks.failed(failure.error));
  }

  /** Marks levels done, in order: a level is done once no more input can reach it and it is idle. */
  #checkDone(): void {
    if (!this.#inputClosed && !this.stopped) return;
    for (const level of this.#levels) {
      if (!level.idle) return;
      if (!level.done) {
        level.done = true;
        this.#whenAbandonedSettled(level.resolveDone);
      }
    }
  }
}
