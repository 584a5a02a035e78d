/**
 * The life cycle the pako deflater and inflater share: a z_stream that can be
 * freed between messages but for its window (`hibernate`), and is rebuilt on
 * next use, primed with that window as a dictionary. The two differ only in
 * how a stream is made, reset, primed and ended, which `ZStreamOps` supplies.
 */
import type { ZStream } from 'pako';

export interface ZStreamOps {
  /** For error messages: "pako deflater", "pako inflater". */
  readonly name: string;
  init(): ZStream;
  reset(strm: ZStream): void;
  setDictionary(strm: ZStream, dictionary: Uint8Array): void;
  end(strm: ZStream): void;
}

export class HibernatingStream {
  readonly #ops: ZStreamOps;
  /** Undefined while hibernating (and after close). */
  #strm: ZStream | undefined;
  /** While hibernating: the window the rebuilt state starts from. */
  #saved: Uint8Array | undefined;
  #closed = false;

  constructor(ops: ZStreamOps) {
    this.#ops = ops;
    this.#strm = ops.init();
  }

  /** The live state, or undefined while hibernating. */
  get live(): ZStream | undefined {
    return this.#strm;
  }

  /** While hibernating: the saved window. */
  get saved(): Uint8Array | undefined {
    return this.#saved;
  }

  /** The live state; after `hibernate` a new one, primed with the saved window. */
  stream(): ZStream {
    if (this.#strm) return this.#strm;
    if (this.#closed) throw new Error(`${this.#ops.name} used after close()`);
    const strm = this.#ops.init();
    const saved = this.#saved;
    this.#saved = undefined;
    this.#strm = strm;
    if (saved && saved.length > 0) this.#ops.setDictionary(strm, saved);
    return strm;
  }

  /** Forgets the window, live or saved. */
  reset(): void {
    if (this.#strm) this.#ops.reset(this.#strm);
    else this.#saved = undefined;
  }

  /** Starts a fresh stream whose matches may refer to `dictionary`. */
  restart(dictionary: Uint8Array): void {
    this.#saved = undefined;
    const strm = this.stream();
    this.#ops.reset(strm);
    if (dictionary.length > 0) this.#ops.setDictionary(strm, dictionary);
  }

  /** Frees the state, keeping `window` for the rebuild (replacing the saved one when already asleep). */
  hibernate(window: Uint8Array): void {
    this.#saved = window;
    if (!this.#strm) return;
    this.#ops.end(this.#strm);
    this.#strm = undefined;
  }

  close(): void {
    this.#closed = true;
    if (this.#strm) this.#ops.end(this.#strm);
    this.#strm = undefined;
    this.#saved = undefined;
  }
}
