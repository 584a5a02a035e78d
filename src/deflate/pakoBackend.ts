/**
 * Pure-JS backend on pako 3's low-level zlib port, for runtimes without
 * `node:zlib` (browsers, Deno, workers). pako's high-level classes are
 * bypassed: driving `zlibDeflate`/`zlibInflate` directly gives exact control
 * of Z_SYNC_FLUSH, output buffer sizes and end-of-stream detection.
 * (fflate was rejected: its sync flush corrupts output, fflate#267.)
 */
import {
  ZStream,
  Z_BUF_ERROR,
  Z_OK,
  Z_STREAM_END,
  Z_SYNC_FLUSH,
  zlibDeflate,
  zlibDeflateEnd,
  zlibDeflateInit2,
  zlibDeflateReset,
  zlibDeflateSetDictionary,
  zlibInflate,
  zlibInflateEnd,
  zlibInflateInit2,
  zlibInflateReset,
  type Z_Strategy,
} from 'pako';
import type { Deflater, DeflaterOptions, Inflater, InflaterOptions, ZlibBackend } from './backend.js';

const Z_DEFLATED = 8;
const MIN_OUT = 256;
const MAX_OUT = 64 * 1024;

function zlibFailure(operation: string, status: number, strm: ZStream): Error {
  return new Error(`pako ${operation} failed (${status}): ${strm.msg || 'unknown error'}`);
}

// The output buffer is sized from the input so a typical write needs one
// buffer: deflate rarely grows data by more than a few bytes per block,
// inflate of text usually expands 3–6×.
function outputSize(inputLength: number, factor: number): number {
  return Math.min(MAX_OUT, Math.max(MIN_OUT, inputLength * factor + 64));
}

export class PakoDeflater implements Deflater {
  readonly #strm = new ZStream();

  constructor(options: DeflaterOptions, legacyHash: boolean) {
    const status = zlibDeflateInit2(
      this.#strm,
      options.level,
      Z_DEFLATED,
      -options.windowBits,
      options.memLevel,
      options.strategy as Z_Strategy,
      legacyHash,
    );
    if (status !== Z_OK) throw zlibFailure('deflateInit2', status, this.#strm);
  }

  write(input: Uint8Array, out: Uint8Array[]): void {
    const strm = this.#strm;
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
    zlibDeflateReset(this.#strm);
  }

  /**
   * The bytes a match may still refer to: the last 2^windowBits bytes
   * compressed since the last reset (the peer's inflate window holds the same
   * bytes). Read from the deflater's own window, so keeping it costs nothing.
   * Only valid between writes, when every input byte has been flushed.
   */
  history(): Uint8Array {
    // pako's DeflateState (a port of zlib's): after a flush `lookahead` is 0
    // and window[strstart - w_size, strstart) is the most recent input.
    const state = this.#strm.state as { window: Uint8Array; strstart: number; lookahead: number; w_size: number };
    if (state.lookahead !== 0) throw new Error('pako deflater history read with input pending');
    return state.window.subarray(Math.max(0, state.strstart - state.w_size), state.strstart);
  }

  /** Starts a fresh stream whose matches may refer to `dictionary` (what the peer's window holds). */
  restart(dictionary: Uint8Array): void {
    zlibDeflateReset(this.#strm);
    if (dictionary.length === 0) return;
    const status = zlibDeflateSetDictionary(this.#strm, dictionary);
    if (status !== Z_OK) throw zlibFailure('deflateSetDictionary', status, this.#strm);
  }

  close(): void {
    zlibDeflateEnd(this.#strm);
  }
}

const EMPTY = new Uint8Array(0);

class PakoInflater implements Inflater {
  readonly #strm = new ZStream();
  #ended = false;

  constructor(options: InflaterOptions) {
    const status = zlibInflateInit2(this.#strm, -options.windowBits);
    if (status !== Z_OK) throw zlibFailure('inflateInit2', status, this.#strm);
  }

  write(input: Uint8Array, out: Uint8Array[]): number {
    if (this.#ended) return 0;
    const strm = this.#strm;
    strm.input = input;
    strm.next_in = 0;
    strm.avail_in = input.length;
    const size = outputSize(input.length, 4);
    for (;;) {
      const buffer = new Uint8Array(size);
      strm.output = buffer;
      strm.next_out = 0;
      strm.avail_out = size;
      const status = zlibInflate(strm, Z_SYNC_FLUSH);
      if (strm.next_out > 0) out.push(strm.next_out === size ? buffer : buffer.subarray(0, strm.next_out));
      if (status === Z_STREAM_END) {
        this.#ended = true;
        break;
      }
      // Z_BUF_ERROR with input left would mean no progress was possible; with
      // none left it only says "need more input", which is normal.
      if (status !== Z_OK && !(status === Z_BUF_ERROR && strm.avail_in === 0)) {
        throw zlibFailure('inflate', status, strm);
      }
      if (strm.avail_out !== 0) break;
    }
    const consumed = input.length - strm.avail_in;
    strm.input = EMPTY;
    return consumed;
  }

  reset(): void {
    this.#ended = false;
    zlibInflateReset(this.#strm);
  }

  close(): void {
    zlibInflateEnd(this.#strm);
  }
}

export interface PakoBackendOptions {
  /**
   * zlib's classic rolling hash, whose table honours `memLevel`
   * (2^(memLevel+7) entries), instead of pako 3's default 4-byte hash, whose
   * table is fixed at 2^15 entries (64 KiB) like Chromium's zlib.
   */
  readonly legacyHash?: boolean;
}

export function createPakoBackend(options: PakoBackendOptions = {}): ZlibBackend {
  const legacyHash = options.legacyHash ?? false;
  return {
    name: legacyHash ? 'pako-legacy-hash' : 'pako',
    // zlib (and its port pako) limit match distances to MAX_DIST = 2^w − 262.
    zlibMatchLimit: true,
    createDeflater: (deflaterOptions) => new PakoDeflater(deflaterOptions, legacyHash),
    createInflater: (inflaterOptions) => new PakoInflater(inflaterOptions),
  };
}

/** The portable backend: pure JS, same semantics as the native one. */
export const pakoBackend: ZlibBackend = createPakoBackend();
