/**
 * Node's native zlib, driven synchronously through minizlib.
 *
 * Node has no public synchronous streaming zlib API: the stream classes are
 * asynchronous (a thread-pool round trip per call, which is what makes `ws`
 * slow on small messages) and the `*Sync` helpers cannot keep a context
 * across messages. minizlib (maintained, used by node-tar) runs the binding's
 * synchronous path on a persistent handle, so one message costs one native
 * call per direction. Constructed with `flush: Z_SYNC_FLUSH`, so each write
 * is a single call that also flushes.
 */
import { DeflateRaw, InflateRaw, constants } from 'minizlib';
import type { Deflater, DeflaterOptions, Inflater, InflaterOptions, ZlibBackend } from './backend.js';

// Output buffer per handle, allocated up front. Compressed output is small, so
// the deflater gets 4 KiB; the inflater keeps Node's 16 KiB, because a 4 KiB
// message inflated into 4 KiB pieces measured ~9% slower (README).
const DEFLATE_CHUNK = 4096;
const INFLATE_CHUNK = 16384;

type Sink = { out: Uint8Array[] | null; error: Error | null };

function attach(stream: DeflateRaw | InflateRaw): Sink {
  const sink: Sink = { out: null, error: null };
  // minizlib emits output synchronously from write(); collect it into the caller's array.
  stream.on('data', (chunk: Uint8Array) => sink.out?.push(chunk));
  // minizlib reports zlib failures as an 'error' event during write() and closes the handle.
  stream.on('error', (error: unknown) => {
    sink.error = error instanceof Error ? error : new Error(String(error));
  });
  return sink;
}

export class MinizlibDeflater implements Deflater {
  readonly #stream: DeflateRaw;
  readonly #sink: Sink;

  /** `dictionary`: bytes the first matches may refer to (the peer's window already holds them). */
  constructor(options: DeflaterOptions, dictionary?: Uint8Array) {
    this.#stream = new DeflateRaw({
      ...(dictionary && dictionary.length > 0 ? { dictionary } : {}),
      level: options.level,
      memLevel: options.memLevel,
      strategy: options.strategy,
      windowBits: options.windowBits,
      flush: constants.Z_SYNC_FLUSH,
      chunkSize: DEFLATE_CHUNK,
    } as ConstructorParameters<typeof DeflateRaw>[0]);
    this.#sink = attach(this.#stream);
  }

  write(input: Uint8Array, out: Uint8Array[]): void {
    const sink = this.#sink;
    if (sink.error) throw sink.error;
    sink.out = out;
    this.#stream.write(input as Buffer);
    sink.out = null;
    if (sink.error) throw sink.error;
  }

  reset(): void {
    if (!this.#sink.error) this.#stream.reset();
  }

  close(): void {
    this.#stream.close();
  }
}

export class MinizlibInflater implements Inflater {
  readonly #stream: InflateRaw;
  readonly #sink: Sink;

  /**
   * `dictionary`: the bytes the peer's first matches may refer to (the window
   * of an inflater this one takes over from). `chunkSize`: bytes of the output
   * buffer Node allocates up front and refills (min 64).
   */
  constructor(options: InflaterOptions, dictionary?: Uint8Array, chunkSize = INFLATE_CHUNK) {
    this.#stream = new InflateRaw({
      ...(dictionary && dictionary.length > 0 ? { dictionary } : {}),
      windowBits: options.windowBits,
      flush: constants.Z_SYNC_FLUSH,
      chunkSize,
    } as ConstructorParameters<typeof InflateRaw>[0]);
    this.#sink = attach(this.#stream);
  }

  write(input: Uint8Array, out: Uint8Array[]): number {
    const sink = this.#sink;
    if (sink.error) throw sink.error;
    // `bytesWritten` (public on Node's zlib streams) counts the input zlib
    // consumed; it stops short only when the stream ended (BFINAL). Zeroed first
    // because Node versions differ on whether the sync path accumulates it.
    const handle = this.#stream.handle as unknown as { bytesWritten: number };
    handle.bytesWritten = 0;
    sink.out = out;
    this.#stream.write(input as Buffer);
    sink.out = null;
    if (sink.error) throw sink.error;
    return handle.bytesWritten;
  }

  reset(): void {
    if (!this.#sink.error) this.#stream.reset();
  }

  close(): void {
    this.#stream.close();
  }
}

/** The default backend on Node: native zlib, synchronous, context kept per handle. */
export const minizlibBackend: ZlibBackend = {
  name: 'minizlib',
  // zlib (and its port pako) limit match distances to MAX_DIST = 2^w − 262.
  zlibMatchLimit: true,
  createDeflater: (options) => new MinizlibDeflater(options),
  createInflater: (options) => new MinizlibInflater(options),
};
