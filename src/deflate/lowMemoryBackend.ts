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
 * Writes from this size on go to a transient native deflater. Measured (README): the hand-over
 * costs ~25 µs (native setup with a dictionary, pako re-hashing its window);
 * pako is slower than native by ~35 µs on 1 KiB and ~100 µs on 4 KiB.
 */
export const NATIVE_FROM = 2048;

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
  readonly #pako: PakoDeflater;

  constructor(options: DeflaterOptions) {
    this.#options = options;
    // The legacy hash sizes its table from memLevel (8 KiB at memLevel 5)
    // instead of a fixed 64 KiB.
    this.#pako = new PakoDeflater(options, true);
  }

  write(input: Uint8Array, out: Uint8Array[]): void {
    if (input.length < NATIVE_FROM) {
      this.#pako.write(input, out);
      return;
    }
    const history = this.#pako.history();
    const native = new MinizlibDeflater(this.#options, history);
    try {
      native.write(input, out);
    } finally {
      native.close();
    }
    // lastBytes copies before restart() overwrites the window `history` views.
    this.#pako.restart(lastBytes(history, input, 1 << this.#options.windowBits));
  }

  reset(): void {
    this.#pako.reset();
  }

  close(): void {
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
