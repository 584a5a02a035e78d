/**
 * The compressor's and decompressor's shared guard: one frame at a time. A
 * sliced frame still in progress owns the zlib stream, and a frame slipped in
 * between would corrupt both messages.
 */
export class OneFrameAtATime {
  #busy = false;

  /** A sliced frame is in progress. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Runs `job` (lazily, like any generator), refusing a second one until it finishes or is abandoned. */
  *run<T>(job: Generator<void, T, void>): Generator<void, T, void> {
    if (this.#busy) throw new Error('permessage-deflate: a frame was submitted before the previous one finished');
    this.#busy = true;
    try {
      return yield* job;
    } finally {
      this.#busy = false;
    }
  }
}
