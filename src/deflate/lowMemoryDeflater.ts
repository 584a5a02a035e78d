/**
 * lowMemoryBackend's deflater: pako (legacy hash) between messages, a native
 * deflater for each write of `NATIVE_FROM` bytes or more.
 *
 * Why that is correct: every write ends with Z_SYNC_FLUSH, so the stream is
 * byte-aligned between writes and any deflater may continue it, provided its
 * matches only refer to bytes the peer's inflate window holds. Those are the
 * last 2^windowBits bytes compressed since the last reset: the native
 * deflater starts with them as its dictionary, and pako restarts with the new
 * last 2^windowBits bytes before its next write.
 */
import type { Deflater, DeflaterOptions } from './backend.js';
import { MinizlibDeflater } from './minizlibBackend.js';
import { PakoDeflater } from './pakoBackend.js';

/**
 * Writes from this size on go to a transient native deflater. Measured
 * (README "Memory per connection"): a native deflater created with a 4 KiB
 * dictionary compresses 4 KiB of JSON in ~43 µs and pako in ~69 µs, and
 * handing the window back to pako costs ~20 µs; from 8 KiB native wins by 2×.
 */
export const NATIVE_FROM = 4096;

/** The last `size` bytes of `history` followed by `input`, as a new array. */
function lastBytes(history: Uint8Array, input: Uint8Array, size: number): Uint8Array {
  if (input.length >= size) return input.slice(input.length - size);
  const keep = Math.min(history.length, size - input.length);
  const out = new Uint8Array(keep + input.length);
  out.set(history.subarray(history.length - keep), 0);
  out.set(input, keep);
  return out;
}

export class LowMemoryDeflater implements Deflater {
  readonly #options: DeflaterOptions;
  /** The transient native deflater's: memLevel 8 (larger blocks, ~20% faster on 64 KiB) costs nothing once it is freed. */
  readonly #nativeOptions: DeflaterOptions;
  readonly #pako: PakoDeflater;
  /**
   * The window after a native write, not yet handed to pako: re-hashing it
   * into pako costs ~20 µs, wasted when the next write is large too (the
   * slices of a large message, a run of large messages).
   */
  #nativeHistory: Uint8Array | undefined;

  constructor(options: DeflaterOptions) {
    this.#options = options;
    this.#nativeOptions = { ...options, memLevel: Math.max(options.memLevel, 8) };
    // The legacy hash sizes its table from memLevel (8 KiB at memLevel 5)
    // instead of a fixed 64 KiB.
    this.#pako = new PakoDeflater(options, true);
  }

  write(input: Uint8Array, out: Uint8Array[]): void {
    if (input.length < NATIVE_FROM) {
      if (this.#nativeHistory) {
        this.#pako.restart(this.#nativeHistory);
        this.#nativeHistory = undefined;
      }
      this.#pako.write(input, out);
      return;
    }
    const history = this.#nativeHistory ?? this.#pako.history();
    const native = new MinizlibDeflater(this.#nativeOptions, history);
    try {
      native.write(input, out);
    } finally {
      native.close();
    }
    // A copy: `history` may be a view of pako's window, which restart() overwrites.
    this.#nativeHistory = lastBytes(history, input, 1 << this.#options.windowBits);
  }

  reset(): void {
    this.#nativeHistory = undefined;
    this.#pako.reset();
  }

  /** Keeps only the window: pako's, or the newer one a native write left. */
  hibernate(): void {
    this.#pako.hibernate(this.#nativeHistory);
    this.#nativeHistory = undefined;
  }

  close(): void {
    this.#nativeHistory = undefined;
    this.#pako.close();
  }
}
