/**
 * pako's inflater driven directly (zlibInflate with Z_SYNC_FLUSH), reporting
 * how much input a stream ending in a BFINAL block consumed, and able to
 * `hibernate` between messages: the state is freed but the window (the last
 * ≤ 2^windowBits bytes inflated, which the peer may still refer to), and
 * rebuilt from it on the next write.
 */
import {
  ZStream,
  Z_BUF_ERROR,
  Z_OK,
  Z_STREAM_END,
  Z_SYNC_FLUSH,
  zlibInflate,
  zlibInflateEnd,
  zlibInflateInit2,
  zlibInflateReset,
  zlibInflateSetDictionary,
} from 'pako';
import type { Inflater, InflaterOptions } from './backend.js';
import { HibernatingStream } from './pakoHibernation.js';
import { EMPTY, outputSize, zlibFailure } from './pakoShared.js';

export class PakoInflater implements Inflater {
  readonly #z: HibernatingStream;
  #ended = false;

  constructor(options: InflaterOptions) {
    const { windowBits } = options;
    this.#z = new HibernatingStream({
      name: 'pako inflater',
      init() {
        const strm = new ZStream();
        const status = zlibInflateInit2(strm, -windowBits);
        if (status !== Z_OK) throw zlibFailure('inflateInit2', status, strm);
        return strm;
      },
      reset: (strm) => void zlibInflateReset(strm),
      setDictionary,
      end: (strm) => void zlibInflateEnd(strm),
    });
  }

  write(input: Uint8Array, out: Uint8Array[]): number {
    if (this.#ended) return 0;
    const strm = this.#z.stream();
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
    this.#z.reset();
  }

  /** The window (the last ≤ 2^windowBits bytes inflated since the last reset), oldest first; a copy. */
  history(): Uint8Array {
    const live = this.#z.live;
    return live ? windowOf(live) : (this.#z.saved ?? EMPTY);
  }

  /** Starts a fresh stream whose matches may refer to `dictionary` (what the peer's deflater holds). */
  restart(dictionary: Uint8Array): void {
    this.#ended = false;
    this.#z.restart(dictionary);
  }

  /** Frees the state but a copy of the window; only between messages. */
  hibernate(): void {
    const live = this.#z.live;
    if (!live || this.#ended) return;
    this.#z.hibernate(windowOf(live));
  }

  close(): void {
    this.#z.close();
  }
}

/** Raw inflate accepts a dictionary at any time: it becomes the window. */
function setDictionary(strm: ZStream, dictionary: Uint8Array): void {
  const status = zlibInflateSetDictionary(strm, dictionary);
  if (status !== Z_OK) throw zlibFailure('inflateSetDictionary', status, strm);
}

/** The bytes in pako's circular inflate window, oldest first (a copy). */
function windowOf(strm: ZStream): Uint8Array {
  // pako's InflateState (a port of zlib's): `whave` bytes of a `wsize`-byte
  // circular window, the next byte going to `wnext`.
  const state = strm.state as { window: Uint8Array | null; wsize: number; whave: number; wnext: number };
  if (!state.window || state.whave === 0) return EMPTY;
  if (state.whave < state.wsize) return state.window.slice(0, state.whave);
  const out = new Uint8Array(state.wsize);
  out.set(state.window.subarray(state.wnext, state.wsize), 0);
  out.set(state.window.subarray(0, state.wnext), state.wsize - state.wnext);
  return out;
}
