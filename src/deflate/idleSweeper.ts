/**
 * Puts idle permessage-deflate sessions to sleep: one unref'd interval timer
 * per delay for all sessions, instead of a timer per connection or per
 * message. A session `touch`es the sweeper on every frame (a Map write); a
 * tick hibernates the sessions not touched since the previous tick, so a
 * session sleeps between `delayMs` and 2 × `delayMs` after its last frame.
 */

export interface Sleeper {
  hibernate(): void;
}

export class IdleSweeper {
  readonly delayMs: number;
  /** Sessions awake, and whether each was touched since the last tick. */
  readonly #awake = new Map<Sleeper, boolean>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(delayMs: number) {
    if (!(delayMs > 0) || !Number.isFinite(delayMs)) throw new RangeError(`hibernateAfterMs must be a positive number, got ${delayMs}`);
    this.delayMs = delayMs;
  }

  touch(sleeper: Sleeper): void {
    this.#awake.set(sleeper, true);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.tick(), this.delayMs);
      // Never keeps a process alive (browsers return a number: nothing to unref).
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /** A closed session: never hibernated again. */
  forget(sleeper: Sleeper): void {
    this.#awake.delete(sleeper);
    if (this.#awake.size === 0) this.#stop();
  }

  /** One sweep (run by the timer; public for tests). */
  tick(): void {
    for (const [sleeper, touched] of this.#awake) {
      if (touched) {
        this.#awake.set(sleeper, false);
        continue;
      }
      this.#awake.delete(sleeper);
      sleeper.hibernate();
    }
    if (this.#awake.size === 0) this.#stop();
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

const sweepers = new Map<number, IdleSweeper>();

/** The shared sweeper for a delay. */
export function idleSweeper(delayMs: number): IdleSweeper {
  let sweeper = sweepers.get(delayMs);
  if (!sweeper) sweepers.set(delayMs, (sweeper = new IdleSweeper(delayMs)));
  return sweeper;
}
