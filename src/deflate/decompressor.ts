/**
 * The receiving half of permessage-deflate as a sans-I/O state machine: data
 * frames in, data frames out, one for one (RFC 7692 §6.2).
 *
 * A message whose first frame has RSV1 is inflated fragment by fragment, with
 * `00 00 ff ff` appended after the last one. Limits are enforced while
 * inflating: compressed input is fed in slices small enough that one slice
 * cannot expand far past the remaining `maxMessageSize` (deflate expands at
 * most ~1032:1), so a zip bomb is refused (1009) after producing at most the
 * limit plus one slice's output, never its expanded size.
 */
import { InvalidDataError, PayloadTooBigError, ProtocolError, type WebSocketError } from '../protocol/errors.js';
import type { Frame } from '../protocol/frame.js';
import { Opcode, isControlOpcode } from '../protocol/opcodes.js';
import type { Inflater, ZlibBackend } from './backend.js';
import { SYNC_TAIL, concatBytes, concatBytesInSteps, withSyncTail } from './bytes.js';
import { defaultBackend } from './defaultBackend.js';
import { runToEnd } from './drive.js';
import { OneFrameAtATime } from './oneFrameAtATime.js';
import { StreamTrailer } from './streamTrailer.js';
import type { WindowBits } from './params.js';

/** Compressed bytes inflated per synchronous slice when no limit is near. */
export const INFLATE_SLICE = 16 * 1024;
/** Smallest slice near the limit: bounds the overshoot to ~66 KB. */
const MIN_SLICE = 64;
/** The most output one input byte of deflate data can produce (258-byte matches in ~2 bits). */
const MAX_EXPANSION = 1032;
/** Payloads up to this size get the tail appended by copying (one zlib call instead of two). */
const COPY_TAIL_BELOW = 4096;

export interface DecompressorOptions {
  readonly backend?: ZlibBackend;
  /** The window the peer compresses with (default 15). */
  readonly windowBits?: WindowBits;
  /** The peer resets its window after every message; we reset ours too. */
  readonly noContextTakeover?: boolean;
  /** Largest inflated message in bytes (default: no limit). */
  readonly maxMessageSize?: number;
  /** With `noContextTakeover`, free the zlib context after each message (see the compressor's option). */
  readonly freeContextBetweenMessages?: boolean;
}

export class PerMessageDecompressor {
  /** Compressed bytes `process` handles in one synchronous call (see `runCodec`). */
  readonly sliceBytes = INFLATE_SLICE;
  readonly #backend: ZlibBackend;
  readonly #windowBits: number;
  readonly #noContextTakeover: boolean;
  readonly #limit: number;
  readonly #freeBetweenMessages: boolean;
  #inflater: Inflater | undefined;
  #inMessage = false;
  #compressed = false;
  /** Inflated bytes of the current message so far. */
  #total = 0;
  /** Set once the peer's deflate stream ended (BFINAL) inside the current message. */
  #trailer: StreamTrailer | undefined;
  #failure: WebSocketError | undefined;
  #closed = false;
  readonly #oneAtATime = new OneFrameAtATime();

  constructor(options: DecompressorOptions = {}) {
    this.#backend = options.backend ?? defaultBackend;
    // A larger inflate window accepts any smaller-window stream; 9 is the
    // smallest every backend accepts for raw inflate.
    this.#windowBits = Math.max(9, options.windowBits ?? 15);
    this.#noContextTakeover = options.noContextTakeover ?? false;
    const limit = options.maxMessageSize ?? Infinity;
    if (!(limit >= 0)) throw new RangeError(`maxMessageSize must be a non-negative number, got ${limit}`);
    this.#limit = limit;
    this.#freeBetweenMessages = this.#noContextTakeover && (options.freeContextBetweenMessages ?? false);
  }

  /**
   * Inflates one frame synchronously.
   *
   * @example
   * const d = new PerMessageDecompressor();
   * d.process(createFrame(Opcode.Text, Uint8Array.of(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00), { rsv1: true }));
   * // → a text frame with payload "Hello" and RSV1 clear
   */
  process(frame: Frame): Frame {
    if (frame.payload.length > INFLATE_SLICE || this.#oneAtATime.busy) return runToEnd(this.steps(frame));
    if (!this.#begin(frame)) return frame;
    const out: Uint8Array[] = [];
    if (frame.fin && frame.payload.length < COPY_TAIL_BELOW) {
      this.#feed(withSyncTail(frame.payload), out);
    } else {
      this.#feed(frame.payload, out);
      if (frame.fin) this.#feed(SYNC_TAIL, out);
    }
    return this.#finish(frame, concatBytes(out));
  }

  /** The same as `process`, pausing (`yield`) between slices of a large payload; see `drive`. */
  steps(frame: Frame): Generator<void, Frame, void> {
    return this.#oneAtATime.run(this.#sliced(frame));
  }

  *#sliced(frame: Frame): Generator<void, Frame, void> {
    if (!this.#begin(frame)) return frame;
    const out: Uint8Array[] = [];
    const payload = frame.payload;
    for (let offset = 0; offset < payload.length; offset += INFLATE_SLICE) {
      if (offset > 0) yield;
      this.#feed(payload.subarray(offset, offset + INFLATE_SLICE), out);
    }
    if (frame.fin) this.#feed(SYNC_TAIL, out);
    yield;
    return this.#finish(frame, yield* concatBytesInSteps(out));
  }

  /** As `PerMessageCompressor.hibernate`: between messages, keep only the window. */
  hibernate(): void {
    if (this.#inMessage || this.#oneAtATime.busy || this.#closed || this.#failure) return;
    this.#inflater?.hibernate?.();
  }

  close(): void {
    this.#closed = true;
    this.#inflater?.close();
    this.#inflater = undefined;
  }

  /** Validates framing and RSV1; returns whether this frame must be inflated. */
  #begin(frame: Frame): boolean {
    if (this.#failure) throw this.#failure;
    if (isControlOpcode(frame.opcode)) {
      if (frame.rsv1) throw this.#fail(new ProtocolError('RSV1 set on a control frame'));
      return false;
    }
    if (frame.opcode === Opcode.Continuation) {
      if (!this.#inMessage) throw this.#fail(new ProtocolError('continuation frame without a message to continue'));
      if (frame.rsv1) throw this.#fail(new ProtocolError('RSV1 set on a continuation frame (permessage-deflate marks only the first)'));
    } else {
      if (this.#inMessage) throw this.#fail(new ProtocolError('new data message started before the previous one ended'));
      this.#compressed = frame.rsv1;
      this.#total = 0;
    }
    this.#inMessage = !frame.fin;
    return this.#compressed;
  }

  /** Inflates `input` in slices sized by the room left under the limit. */
  #feed(input: Uint8Array, out: Uint8Array[]): void {
    if (this.#closed) throw new Error('permessage-deflate: decompressor used after close()');
    const inflater = (this.#inflater ??= this.#backend.createInflater({ windowBits: this.#windowBits }));
    let offset = 0;
    while (offset < input.length) {
      if (this.#trailer) {
        this.#keepTrailer(input.subarray(offset));
        return;
      }
      const room = this.#limit - this.#total;
      const size = Math.min(input.length - offset, sliceFor(room));
      // The common case, a small frame far from the limit, needs no view.
      const slice = size === input.length ? input : input.subarray(offset, offset + size);
      const before = out.length;
      let consumed: number;
      try {
        consumed = inflater.write(slice, out);
      } catch (error) {
        throw this.#fail(new InvalidDataError(`permessage-deflate: corrupt compressed data (${(error as Error).message})`, { cause: error }));
      }
      for (let i = before; i < out.length; i++) this.#total += out[i]!.length;
      if (this.#total > this.#limit) {
        throw this.#fail(new PayloadTooBigError(`message exceeds the limit of ${this.#limit} bytes while inflating`, this.#limit));
      }
      if (consumed < size) {
        // The peer ended its deflate stream with a BFINAL block (RFC 7692 §7.2.3.4).
        this.#trailer = new StreamTrailer();
        this.#keepTrailer(slice.subarray(consumed));
      }
      offset += size;
    }
  }

  #keepTrailer(bytes: Uint8Array): void {
    if (!this.#trailer!.keep(bytes)) throw this.#fail(new InvalidDataError('permessage-deflate: data after the final deflate block'));
  }

  #finish(frame: Frame, payload: Uint8Array): Frame {
    if (frame.fin && this.#inflater) {
      this.#inflater.endOfMessage?.();
      if (this.#trailer) {
        if (!this.#trailer.isOnlyEmptyBlocks()) {
          throw this.#fail(new InvalidDataError('permessage-deflate: data after the final deflate block'));
        }
        // The stream is over: the next message starts a fresh one.
        this.#trailer = undefined;
        this.#inflater.reset();
      } else if (this.#freeBetweenMessages) {
        this.#inflater.close();
        this.#inflater = undefined;
      } else if (this.#noContextTakeover) {
        this.#inflater.reset();
      }
    }
    return { fin: frame.fin, rsv1: false, rsv2: frame.rsv2, rsv3: frame.rsv3, opcode: frame.opcode, payload };
  }

  /** Errors are final: the connection is failed, later frames get the same error. */
  #fail(error: WebSocketError): WebSocketError {
    this.#failure = error;
    this.#inflater?.close();
    this.#inflater = undefined;
    return error;
  }
}

function sliceFor(room: number): number {
  if (room === Infinity) return INFLATE_SLICE;
  return Math.max(MIN_SLICE, Math.min(INFLATE_SLICE, Math.floor(room / MAX_EXPANSION)));
}
