/**
 * A backend for servers holding many connections: the persistent zlib state
 * is pako's (pure JS, ~40 KiB per connection at window 12 / memLevel 5)
 * instead of a native context (~100 KiB on Node 20, whose bundled zlib fixes
 * the hash table at 64 KiB whatever memLevel says). pako compresses ~2.5×
 * slower than native zlib, which only matters on large writes, so a write of
 * `NATIVE_FROM` bytes or more is compressed by a native deflater that lives
 * for that write only (README "Memory per connection").
 *
 * Why that is correct: every write ends with Z_SYNC_FLUSH, so the stream is
 * byte-aligned between writes and any deflater may continue it, provided its
 * matches only refer to bytes the peer's inflate window holds. Those are the
 * last 2^windowBits bytes compressed since the last reset: the native
 * deflater starts with them as its dictionary, and afterwards pako restarts
 * with the new last 2^windowBits bytes as its dictionary.
 */
import type { Deflater, DeflaterOptions, ZlibBackend } from './backend.js';
import { MinizlibDeflater } from './minizlibBackend.js';
import { PakoDeflater, createPakoBackend } from './pakoBackend.js';

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

class LowMemoryDeflater implements Deflater {
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

  close(): void {
    this.#nativeHistory = undefined;
    this.#pako.close();
  }
}

const pako = createPakoBackend();

/**
 * pako's context between messages, native zlib for writes of `NATIVE_FROM`
 * bytes or more; pako inflates (its inflater is as small as zlib's and,
 * measured, within ~20% of native speed).
 *
 * @example
 * new ServerPerMessageDeflateFactory({ backend: lowMemoryBackend });
 */
export const lowMemoryBackend: ZlibBackend = {
  name: 'low-memory (pako + transient native)',
  zlibMatchLimit: true,
  createDeflater: (options) => new LowMemoryDeflater(options),
  createInflater: (options) => pako.createInflater(options),
};
