/**
 * lowMemoryBackend's inflater: pako until the connection receives a large
 * message, then a native inflater kept for the connection's later messages
 * (measured: pako inflates 64 KiB of JSON in 127 µs, a warm native inflater
 * in 48 µs, a native one created per message in 139 µs — so it is kept, not
 * recreated). A connection that only receives small messages never pays the
 * native inflater's extra ~7 KiB.
 *
 * An inflater's inputs may cut a deflate block anywhere, so the stream
 * changes hands only at a message start: after the previous message's
 * `00 00 ff ff` (an empty stored block) it is byte-aligned at a block start
 * (`Inflater.endOfMessage`). The native inflater starts with pako's window as
 * its dictionary. To hibernate, it hands its window (the last 2^windowBits
 * bytes it produced, kept in a copy) back to a sleeping pako inflater.
 */
import type { Inflater, InflaterOptions } from './backend.js';
import { MinizlibInflater } from './minizlibBackend.js';
import { PakoInflater } from './pakoInflater.js';

/** A message whose first write carries this many compressed bytes (~8 KiB inflated) moves the connection to native zlib. */
export const NATIVE_INFLATE_FROM = 2048;

export class LowMemoryInflater implements Inflater {
  readonly #options: InflaterOptions;
  #pako: PakoInflater | undefined;
  #native: MinizlibInflater | undefined;
  /** The native inflater's window (what the peer may refer to), oldest first: `#window[0, #windowLength)`. */
  #window: Uint8Array | undefined;
  #windowLength = 0;
  #atMessageStart = true;

  constructor(options: InflaterOptions) {
    this.#options = options;
    this.#pako = new PakoInflater(options);
  }

  write(input: Uint8Array, out: Uint8Array[]): number {
    if (this.#atMessageStart && !this.#native && input.length >= NATIVE_INFLATE_FROM) this.#goNative();
    this.#atMessageStart = false;
    if (!this.#native) return this.#pako!.write(input, out);
    const before = out.length;
    const consumed = this.#native.write(input, out);
    for (let i = before; i < out.length; i++) this.#remember(out[i]!);
    return consumed;
  }

  #goNative(): void {
    const history = this.#pako!.history();
    this.#native = new MinizlibInflater(this.#options, history);
    this.#pako!.close();
    this.#pako = undefined;
    this.#window = new Uint8Array(1 << this.#options.windowBits);
    this.#windowLength = 0;
    this.#remember(history);
  }

  /** Appends output to the window copy, keeping its last 2^windowBits bytes. */
  #remember(bytes: Uint8Array): void {
    const window = this.#window!;
    if (bytes.length >= window.length) {
      window.set(bytes.subarray(bytes.length - window.length));
      this.#windowLength = window.length;
      return;
    }
    const keep = Math.min(this.#windowLength, window.length - bytes.length);
    window.copyWithin(0, this.#windowLength - keep, this.#windowLength);
    window.set(bytes, keep);
    this.#windowLength = keep + bytes.length;
  }

  endOfMessage(): void {
    this.#atMessageStart = true;
  }

  reset(): void {
    this.#atMessageStart = true;
    this.#windowLength = 0;
    if (this.#native) this.#native.reset();
    else this.#pako!.reset();
  }

  /** Back to a sleeping pako inflater that holds only the window. */
  hibernate(): void {
    if (!this.#native) {
      this.#pako!.hibernate();
      return;
    }
    const pako = new PakoInflater(this.#options);
    pako.restart(this.#window!.subarray(0, this.#windowLength));
    pako.hibernate();
    this.#native.close();
    this.#native = undefined;
    this.#window = undefined;
    this.#windowLength = 0;
    this.#pako = pako;
  }

  close(): void {
    this.#native?.close();
    this.#native = undefined;
    this.#pako?.close();
    this.#pako = undefined;
    this.#window = undefined;
  }
}
