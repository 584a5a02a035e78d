/**
 * pako's deflater driven directly (zlibDeflate with Z_SYNC_FLUSH), with what
 * lowMemoryBackend needs on top: reading the window (`history`), restarting
 * from a dictionary (`restart`), and `hibernate`, which frees the whole state
 * but the window between messages (~28 KiB → ≤ 4 KiB at window 12 /
 * memLevel 4) and rebuilds it on the next write.
 */
import {
  ZStream,
  Z_BUF_ERROR,
  Z_OK,
  Z_SYNC_FLUSH,
  zlibDeflate,
  zlibDeflateEnd,
  zlibDeflateInit2,
  zlibDeflateReset,
  zlibDeflateSetDictionary,
  type Z_Strategy,
} from 'pako';
import type { Deflater, DeflaterOptions } from './backend.js';
import { HibernatingStream } from './pakoHibernation.js';
import { EMPTY, outputSize, zlibFailure } from './pakoShared.js';

const Z_DEFLATED = 8;

export class PakoDeflater implements Deflater {
  readonly #z: HibernatingStream;

  /** `legacyHash`: zlib's rolling hash, its table sized by memLevel (see PakoBackendOptions). */
  constructor(options: DeflaterOptions, legacyHash: boolean) {
    const { level, windowBits, memLevel, strategy } = options;
    this.#z = new HibernatingStream({
      name: 'pako deflater',
      init() {
        const strm = new ZStream();
        const status = zlibDeflateInit2(strm, level, Z_DEFLATED, -windowBits, memLevel, strategy as Z_Strategy, legacyHash);
        if (status !== Z_OK) throw zlibFailure('deflateInit2', status, strm);
        return strm;
      },
      reset: (strm) => void zlibDeflateReset(strm),
      setDictionary,
      end: (strm) => void zlibDeflateEnd(strm),
    });
  }

  write(input: Uint8Array, out: Uint8Array[]): void {
    const strm = this.#z.stream();
    strm.input = input;
    strm.next_in = 0;
    strm.avail_in = input.length;
    const size = outputSize(input.length, 1);
    do {
      const buffer = new Uint8Array(size);
      strm.output = buffer;
      strm.next_out = 0;
      strm.avail_out = size;
      const status = zlibDeflate(strm, Z_SYNC_FLUSH);
      // Z_BUF_ERROR: nothing left to flush (a second flush with no new input).
      if (status !== Z_OK && status !== Z_BUF_ERROR) throw zlibFailure('deflate', status, strm);
      if (strm.next_out > 0) out.push(strm.next_out === size ? buffer : buffer.subarray(0, strm.next_out));
    } while (strm.avail_out === 0);
    strm.input = EMPTY;
  }

  reset(): void {
    this.#z.reset();
  }

  /**
   * The bytes a match may still refer to: the last 2^windowBits bytes
   * compressed since the last reset (the peer's inflate window holds the same
   * bytes). Read from the deflater's own window, so keeping it costs nothing.
   * Only valid between writes, when every input byte has been flushed.
   */
  history(): Uint8Array {
    const live = this.#z.live;
    if (!live) return this.#z.saved ?? EMPTY;
    // pako's DeflateState (a port of zlib's): after a flush `lookahead` is 0
    // and window[strstart - w_size, strstart) is the most recent input.
    const state = live.state as { window: Uint8Array; strstart: number; lookahead: number; w_size: number };
    if (state.lookahead !== 0) throw new Error('pako deflater history read with input pending');
    return state.window.subarray(Math.max(0, state.strstart - state.w_size), state.strstart);
  }

  /** Starts a fresh stream whose matches may refer to `dictionary` (what the peer's window holds). */
  restart(dictionary: Uint8Array): void {
    this.#z.restart(dictionary);
  }

  /**
   * Frees the state but the window (a copy of ≤ 2^windowBits bytes, or
   * `window` when given: the caller's newer one); the next write rebuilds it.
   * Only between writes.
   */
  hibernate(window?: Uint8Array): void {
    if (this.#z.live) this.#z.hibernate(window ?? this.history().slice());
    else if (window) this.#z.hibernate(window);
  }

  close(): void {
    this.#z.close();
  }
}

function setDictionary(strm: ZStream, dictionary: Uint8Array): void {
  const status = zlibDeflateSetDictionary(strm, dictionary);
  if (status !== Z_OK) throw zlibFailure('deflateSetDictionary', status, strm);
}
