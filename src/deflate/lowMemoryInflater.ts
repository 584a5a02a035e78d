/**
 * lowMemoryBackend's inflater: pako between messages, a native inflater for
 * a message whose first write carries `NATIVE_INFLATE_FROM` compressed bytes
 * or more.
 *
 * Unlike a deflater's writes, an inflater's inputs may cut a deflate block
 * anywhere, so the stream changes hands only at message boundaries: after a
 * message's `00 00 ff ff` (an empty stored block) the stream is byte-aligned
 * at a block start (`Inflater.endOfMessage`). The native inflater starts with
 * pako's window as its dictionary; at the end of the message pako restarts
 * with the last 2^windowBits bytes the native one produced.
 */
import type { Inflater, InflaterOptions } from './backend.js';
import { MinizlibInflater } from './minizlibBackend.js';
import { PakoInflater } from './pakoBackend.js';

/**
 * Messages whose first write carries this many compressed bytes or more
 * (~8 KiB inflated) are inflated by a transient native inflater: creating it
 * with a 4 KiB dictionary costs less than pako's ~25% slower inflate of that
 * much data, and handing the window back to pako is a 4 KiB copy.
 */
export const NATIVE_INFLATE_FROM = 2048;

export class LowMemoryInflater implements Inflater {
  readonly #options: InflaterOptions;
  readonly #pako: PakoInflater;
  #native: MinizlibInflater | undefined;
  /** Output of the current native message, as far as the window needs: history before it, then chunks. */
  #recent: Uint8Array[] = [];
  #recentBytes = 0;
  /** True before the first write of a message: the only point where the stream may change hands. */
  #atMessageStart = true;

  constructor(options: InflaterOptions) {
    this.#options = options;
    this.#pako = new PakoInflater(options);
  }

  write(input: Uint8Array, out: Uint8Array[]): number {
    if (this.#atMessageStart && input.length >= NATIVE_INFLATE_FROM) {
      const history = this.#pako.history();
      this.#native = new MinizlibInflater(this.#options, history);
      this.#keep([history]);
    }
    this.#atMessageStart = false;
    if (!this.#native) return this.#pako.write(input, out);
    const before = out.length;
    const consumed = this.#native.write(input, out);
    this.#keep(out.slice(before));
    return consumed;
  }

  /** Remembers output chunks, dropping those wholly older than the window. */
  #keep(chunks: readonly Uint8Array[]): void {
    for (const chunk of chunks) {
      this.#recent.push(chunk);
      this.#recentBytes += chunk.length;
    }
    const size = 1 << this.#options.windowBits;
    while (this.#recentBytes - this.#recent[0]!.length >= size) this.#recentBytes -= this.#recent.shift()!.length;
  }

  endOfMessage(): void {
    this.#atMessageStart = true;
    if (!this.#native) return;
    const size = 1 << this.#options.windowBits;
    const window = new Uint8Array(Math.min(size, this.#recentBytes));
    let end = window.length;
    for (let i = this.#recent.length - 1; i >= 0 && end > 0; i--) {
      const chunk = this.#recent[i]!;
      const take = Math.min(end, chunk.length);
      window.set(chunk.subarray(chunk.length - take), end - take);
      end -= take;
    }
    this.#dropNative();
    this.#pako.restart(window);
  }

  reset(): void {
    this.#atMessageStart = true;
    this.#dropNative();
    this.#pako.reset();
  }

  close(): void {
    this.#dropNative();
    this.#pako.close();
  }

  #dropNative(): void {
    this.#native?.close();
    this.#native = undefined;
    this.#recent = [];
    this.#recentBytes = 0;
  }
}
