/**
 * The sending half of permessage-deflate as a sans-I/O state machine: data
 * frames in, data frames out, one for one (RFC 7692 §6.1).
 *
 * Each fragment is compressed as it passes and flushed with Z_SYNC_FLUSH, so
 * a fragmented message streams and is never whole in memory. The first frame
 * of a compressed message carries RSV1; the final one has its `00 00 ff ff`
 * tail removed. Messages below `threshold`, marked with `sendUncompressed`,
 * refused by `shouldCompress`, or whose first fragment does not shrink go out
 * as they came (RSV1 clear) — except that a short message may grow by two
 * bytes on a fresh window, where it seeds the history later messages need.
 */
import { ProtocolError } from '../protocol/errors.js';
import type { Frame } from '../protocol/frame.js';
import { Opcode, isControlOpcode } from '../protocol/opcodes.js';
import type { Deflater, ZlibBackend } from './backend.js';
import { concatBytes, concatBytesInSteps, stripSyncTail } from './bytes.js';
import { deflaterSettings, resolveCompressSettings, type CompressSettings } from './compressSettings.js';
import { defaultBackend } from './defaultBackend.js';
import { runToEnd } from './drive.js';
import { OneFrameAtATime } from './oneFrameAtATime.js';
import type { WindowBits } from './params.js';
import { isMarkedUncompressed } from './uncompressed.js';

/** Input bytes compressed per synchronous slice (about 1–2 ms of zlib work). */
export const COMPRESS_SLICE = 64 * 1024;
/** Below this many bytes a single-frame message is sent uncompressed by default. */
export const DEFAULT_THRESHOLD = 16;
/**
 * Growth accepted for a message compressed on a fresh window (see `#worthSending`):
 * short text grows by about two bytes there (Huffman-coded literals, no history
 * yet), while incompressible bytes grow by at least three (a stored block costs five).
 */
export const SEED_SLACK = 2;
/** Shorter messages are too small to be worth seeding the window with. */
export const SEED_MIN_LENGTH = 16;

export interface CompressorOptions {
  readonly backend?: ZlibBackend;
  /** The window agreed for this direction (default 15). */
  readonly windowBits?: WindowBits;
  /** Reset the window after every message (`*_no_context_takeover`). */
  readonly noContextTakeover?: boolean;
  readonly compressSettings?: CompressSettings;
  /** Single-frame messages shorter than this go out uncompressed (default 16). */
  readonly threshold?: number;
  /** Called with the first frame of each message; `false` sends the message uncompressed. */
  readonly shouldCompress?: (frame: Frame) => boolean;
  /**
   * Send a message uncompressed when its compressed first frame is not
   * smaller than the original (default true). `false` always sends what zlib
   * produced, as the RFC 7692 §7.2.3 examples do.
   */
  readonly sendRawIfNotSmaller?: boolean;
  /**
   * With `noContextTakeover`, free the zlib context after each message and
   * allocate a new one for the next (default false). An idle connection then
   * holds no compressor memory (~105 KiB on Node 20), at ~20 µs per message.
   */
  readonly freeContextBetweenMessages?: boolean;
}

export class PerMessageCompressor {
  /** Payload bytes `process` handles in one synchronous call (see `runCodec`). */
  readonly sliceBytes = COMPRESS_SLICE;
  readonly #backend: ZlibBackend;
  readonly #windowBits: number;
  readonly #strategy: number;
  readonly #level: number;
  readonly #memLevel: number;
  readonly #noContextTakeover: boolean;
  readonly #threshold: number;
  readonly #shouldCompress: ((frame: Frame) => boolean) | undefined;
  readonly #rawIfNotSmaller: boolean;
  readonly #freeBetweenMessages: boolean;
  #deflater: Deflater | undefined;
  /** No message is in the window: the start, or just after a reset. */
  #windowFresh = true;
  #inMessage = false;
  #compressing = false;
  #closed = false;
  readonly #oneAtATime = new OneFrameAtATime();

  constructor(options: CompressorOptions = {}) {
    const settings = resolveCompressSettings(options.compressSettings);
    this.#backend = options.backend ?? defaultBackend;
    const deflater = deflaterSettings(options.windowBits ?? 15, settings.strategy, this.#backend);
    this.#windowBits = deflater.windowBits;
    this.#strategy = deflater.strategy;
    this.#level = settings.level;
    this.#memLevel = settings.memLevel;
    this.#noContextTakeover = options.noContextTakeover ?? false;
    this.#threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.#shouldCompress = options.shouldCompress;
    this.#rawIfNotSmaller = options.sendRawIfNotSmaller ?? true;
    this.#freeBetweenMessages = this.#noContextTakeover && (options.freeContextBetweenMessages ?? false);
  }

  /**
   * Compresses one frame synchronously.
   *
   * @example
   * const c = new PerMessageCompressor();
   * c.process(createFrame(Opcode.Text, new TextEncoder().encode('Hello'.repeat(20)))).rsv1; // true
   */
  process(frame: Frame): Frame {
    if (isControlOpcode(frame.opcode)) return frame;
    if (frame.payload.length > COMPRESS_SLICE || this.#oneAtATime.busy) return runToEnd(this.steps(frame));
    if (!this.#begin(frame)) return clearRsv1(frame);
    const out: Uint8Array[] = [];
    if (frame.payload.length > 0 || frame.fin) this.#write(frame.payload, out);
    return this.#finish(frame, concatBytes(out));
  }

  /** The same as `process`, pausing (`yield`) between slices of a large payload; see `drive`. */
  steps(frame: Frame): Generator<void, Frame, void> {
    return this.#oneAtATime.run(this.#sliced(frame));
  }

  *#sliced(frame: Frame): Generator<void, Frame, void> {
    if (isControlOpcode(frame.opcode)) return frame;
    if (!this.#begin(frame)) return clearRsv1(frame);
    const out: Uint8Array[] = [];
    const payload = frame.payload;
    if (payload.length === 0 && frame.fin) this.#write(payload, out);
    for (let offset = 0; offset < payload.length; offset += COMPRESS_SLICE) {
      if (offset > 0) yield;
      this.#write(payload.subarray(offset, offset + COMPRESS_SLICE), out);
    }
    yield;
    return this.#finish(frame, yield* concatBytesInSteps(out));
  }

  /**
   * Between messages, lets the backend free all of its context but the
   * window (see `Deflater.hibernate`); the next message rebuilds it. Does
   * nothing inside a message.
   */
  hibernate(): void {
    if (this.#inMessage || this.#oneAtATime.busy || this.#closed) return;
    this.#deflater?.hibernate?.();
  }

  /** Frees the zlib context; later frames would allocate a new one. */
  close(): void {
    this.#closed = true;
    this.#deflater?.close();
    this.#deflater = undefined;
  }

  /** Tracks message boundaries; returns whether this frame's message is compressed. */
  #begin(frame: Frame): boolean {
    if (frame.opcode === Opcode.Continuation) {
      if (!this.#inMessage) throw new ProtocolError('permessage-deflate: continuation frame without a message to continue');
    } else {
      if (this.#inMessage) throw new ProtocolError('permessage-deflate: new message started before the previous one ended');
      this.#compressing = this.#wantsCompression(frame);
    }
    this.#inMessage = !frame.fin;
    return this.#compressing;
  }

  #wantsCompression(frame: Frame): boolean {
    if (frame.fin && (frame.payload.length === 0 || frame.payload.length < this.#threshold)) return false;
    if (isMarkedUncompressed(frame)) return false;
    return this.#shouldCompress ? this.#shouldCompress(frame) : true;
  }

  #write(input: Uint8Array, out: Uint8Array[]): void {
    if (this.#closed) throw new Error('permessage-deflate: compressor used after close()');
    this.#deflater ??= this.#backend.createDeflater({
      windowBits: this.#windowBits,
      level: this.#level,
      memLevel: this.#memLevel,
      strategy: this.#strategy,
    });
    this.#deflater.write(input, out);
  }

  /** Drops the window: a reset, or freeing the context when configured to. */
  #forget(): void {
    this.#windowFresh = true;
    if (!this.#freeBetweenMessages || this.#inMessage) {
      this.#deflater?.reset();
      return;
    }
    this.#deflater?.close();
    this.#deflater = undefined;
  }

  #finish(frame: Frame, compressed: Uint8Array): Frame {
    let payload = compressed;
    if (frame.fin) payload = stripSyncTail(payload);
    const first = frame.opcode !== Opcode.Continuation;
    if (first && this.#rawIfNotSmaller && !this.#worthSending(payload.length, frame.payload.length)) {
      // Not worth it: send the original bytes. Our window now holds data the
      // peer will never see, so it must be forgotten: a reset deflater never
      // refers back, and the peer's window staying as it was is then harmless.
      if (frame.payload.length > 0) this.#forget();
      this.#compressing = false;
      return clearRsv1(frame);
    }
    this.#windowFresh = false;
    if (frame.fin && this.#noContextTakeover) this.#forget();
    return { fin: frame.fin, rsv1: first, rsv2: frame.rsv2, rsv3: frame.rsv3, opcode: frame.opcode, payload };
  }

  /**
   * Whether a compressed first frame is worth sending instead of the original.
   * Smaller always is; not smaller on a window that already holds earlier
   * messages means the data does not compress. On a fresh window a short
   * message grows a little yet is what the next messages will refer back to:
   * sending it raw would reset the window again, and a stream of 50-byte JSON
   * ticks would never be compressed at all. So with context takeover a fresh
   * window accepts up to SEED_SLACK bytes of growth on a message of at least
   * SEED_MIN_LENGTH bytes; incompressible data grows more and still goes out raw.
   */
  #worthSending(compressedLength: number, originalLength: number): boolean {
    if (compressedLength < originalLength) return true;
    if (this.#noContextTakeover || !this.#windowFresh || originalLength < SEED_MIN_LENGTH) return false;
    return compressedLength - originalLength <= SEED_SLACK;
  }
}

function clearRsv1(frame: Frame): Frame {
  return frame.rsv1 ? { ...frame, rsv1: false } : frame;
}
