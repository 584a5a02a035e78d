/**
 * One level of an `OrderedChain`: the items started there (in input order)
 * and the ones waiting for a free slot. Internal to the chain.
 */
import type { OrderedContext, Slot } from './orderedSlots.js';

export class Level {
  slots: Slot<unknown>[] = [];
  waiting: unknown[] = [];
  /** An item failed here behind running ones: later items are doomed. */
  blocked = false;
  /** Inputs started so far: the `index` each item's function sees. */
  started = 0;
  done = false;
  resolveDone!: () => void;
  readonly whenDone = new Promise<void>((resolve) => (this.resolveDone = resolve));
  readonly onSettled: (slot: Slot<unknown>) => void;

  constructor(
    readonly index: number,
    readonly fn: (item: unknown, context: OrderedContext) => unknown,
    readonly flat: boolean,
    readonly concurrency: number,
    onSettled: (level: Level, slot: Slot<unknown>) => void,
  ) {
    this.onSettled = (slot) => onSettled(this, slot);
  }

  get idle(): boolean {
    return this.slots.length === 0 && this.waiting.length === 0;
  }
}
