/**
 * Incremental, sans-I/O WebSocket frame parser (RFC 6455 §5.2).
 *
 * Bytes go in as they arrive, in any split (one byte at a time works); whole,
 * unmasked frames come out. Every header is validated as soon as the bytes
 * that decide a rule are in, and size limits are checked from the header,
 * before a single payload byte is buffered. A violation is a typed error
 * carrying its close code; after that the parser stays failed. Frames that
 * were complete before the violation are still returned (see `push`), so what
 * a peer sent before going wrong — a Close, say — never depends on how TCP
 * happened to split the bytes.
 */
import { NO_RSV_BITS, type Frame, type RsvBits } from './frame.js';
import { ProtocolError, PayloadTooBigError, type WebSocketError } from './errors.js';
import { isControlOpcode, isKnownOpcode, type Opcode } from './opcodes.js';
import { maskInto, applyMask } from './mask.js';
import { allocOwnBytes } from './bytePool.js';

export interface FrameParserOptions {
  /** A server's incoming frames MUST be masked, a client's MUST NOT be (otherwise 1002). */
  role: 'client' | 'server';
  /** Largest payload of a single frame in bytes (default `Infinity`); larger is 1009. */
  maxFramePayload?: number;
  /**
   * Largest total payload of one data message on the wire, summed over its
   * fragments as their headers arrive (default `Infinity`); larger is 1009.
   */
  maxMessageSize?: number;
  /** RSV bits negotiated extensions use (default none); any other set bit is 1002. */
  allowedRsv?: Partial<RsvBits>;
}

/** Largest payload length a JS number holds exactly (2^53 - 1): the high 32-bit word may be at most this. */
const MAX_SAFE_HIGH_WORD = 0x1fffff;

/** A size limit: a number ≥ 0 (`Infinity` for none); NaN or a negative would silently turn it off. */
function checkLimit(name: string, value: number | undefined): number {
  if (value === undefined) return Infinity;
  if (typeof value !== 'number' || !(value >= 0)) throw new RangeError(`${name} must be a number ≥ 0, got ${String(value)}`);
  return value;
}

/** Header length once the second byte is known: 2, extended length, masking key. */
function headerLength(secondByte: number): number {
  const length7 = secondByte & 0x7f;
  return 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (secondByte & 0x80 ? 4 : 0);
}

/**
 * @example
 * const parser = new FrameParser({ role: 'client' });
 * const [frame] = parser.push(new Uint8Array([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]));
 * // frame: { fin: true, opcode: 1, payload: 'Hello' as bytes, rsv1..3: false }
 */
export class FrameParser {
  readonly #expectMasked: boolean;
  readonly #maxFramePayload: number;
  readonly #maxMessageSize: number;
  #allowedRsv: RsvBits;

  // A header split across chunks is collected here (at most 14 bytes).
  readonly #header = new Uint8Array(14);
  #headerBytes = 0;

  // The frame whose header has been read.
  #fin = false;
  #rsv1 = false;
  #rsv2 = false;
  #rsv3 = false;
  #opcode: Opcode = 0;
  #masked = false;
  #length = 0;
  readonly #maskKey = new Uint8Array(4);
  // Payload being collected across chunks, and how much of it has arrived.
  #payload: Uint8Array | null = null;
  #filled = 0;

  // Fragmentation state of data frames: control frames may come in between.
  #messageOpen = false;
  #messageBytes = 0;

  #error: WebSocketError | undefined = undefined;

  constructor(options: FrameParserOptions) {
    this.#expectMasked = options.role === 'server';
    this.#maxFramePayload = checkLimit('maxFramePayload', options.maxFramePayload);
    this.#maxMessageSize = checkLimit('maxMessageSize', options.maxMessageSize);
    this.#allowedRsv = { ...NO_RSV_BITS, ...options.allowedRsv };
  }

  /** Sets the RSV bits incoming frames may carry; negotiation calls this once extensions are active. */
  setAllowedRsv(bits: Partial<RsvBits>): void {
    this.#allowedRsv = { ...NO_RSV_BITS, ...bits };
  }

  /** Bytes held for a frame that is not complete yet (partial header plus partial payload). */
  get bufferedBytes(): number {
    return this.#headerBytes + this.#filled;
  }

  /**
   * True when the bytes so far end exactly at a frame boundary outside any
   * fragmented message: the only place a byte stream may end cleanly. A
   * header whose payload has not started yet counts as unfinished
   * (`bufferedBytes` is 0 there).
   */
  get idle(): boolean {
    return !this.midFrame && !this.#messageOpen && this.#error === undefined;
  }

  /** True while a frame has started and is not complete: part of its header, or a header whose payload is due. */
  get midFrame(): boolean {
    return this.#headerBytes > 0 || this.#payload !== null;
  }

  /** The violation that failed the parser, once there is one. */
  get error(): WebSocketError | undefined {
    return this.#error;
  }

  /** True while a fragmented data message has started and its final frame has not arrived. */
  get inMessage(): boolean {
    return this.#messageOpen;
  }

  /**
   * Feeds the next bytes and returns the frames they complete (possibly none).
   * `chunk` is never modified; an unmasked payload that arrives whole in one
   * chunk is returned as a view of it, without copying (so do not overwrite a
   * chunk after pushing it). Every other payload is an exact-size buffer of
   * its own. Payloads are always plain `Uint8Array`s.
   *
   * A violation (`ProtocolError` 1002, `PayloadTooBigError` 1009) fails the
   * parser. If frames of this chunk were complete before it, they are
   * returned and the violation is held in `error`: check it after every push
   * and fail the connection once those frames are handled. Otherwise push
   * throws it at once. Every later push throws it.
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.#error !== undefined) throw this.#error;
    const frames: Frame[] = [];
    try {
      this.#parse(chunk, frames);
    } catch (error) {
      this.#error = error as WebSocketError;
      this.#payload = null;
      this.#filled = 0;
      this.#headerBytes = 0;
      if (frames.length === 0) throw error;
    }
    return frames;
  }

  /** Appends the frames `chunk` completes to `frames` (an out parameter, so they survive a throw). */
  #parse(chunk: Uint8Array, frames: Frame[]): void {
    const end = chunk.length;
    let pos = 0;
    for (;;) {
      if (this.#payload !== null) {
        // Continue a payload that spans chunks.
        const take = Math.min(this.#length - this.#filled, end - pos);
        this.#payload.set(pos === 0 && take === end ? chunk : chunk.subarray(pos, pos + take), this.#filled);
        if (this.#masked) applyMask(this.#payload.subarray(this.#filled, this.#filled + take), this.#maskKey, this.#filled);
        this.#filled += take;
        pos += take;
        if (this.#filled < this.#length) break;
        frames.push(this.#frame(this.#payload));
        this.#payload = null;
        this.#filled = 0;
        continue;
      }
      if (pos >= end) break;

      // Read a header: straight from the chunk when it is all there, otherwise
      // collect it in #header across calls.
      if (this.#headerBytes === 0 && end - pos >= 2 && end - pos >= headerLength(chunk[pos + 1]!)) {
        pos = this.#readHeader(chunk, pos);
      } else {
        while (pos < end) {
          const target = this.#headerBytes < 2 ? 2 : headerLength(this.#header[1]!);
          if (this.#headerBytes >= target) break;
          const take = Math.min(target - this.#headerBytes, end - pos);
          this.#header.set(chunk.subarray(pos, pos + take), this.#headerBytes);
          this.#headerBytes += take;
          pos += take;
        }
        const complete = this.#headerBytes >= 2 && this.#headerBytes === headerLength(this.#header[1]!);
        if (!complete) {
          this.#check(this.#header, 0, this.#headerBytes); // fail fast on what we have
          break;
        }
        this.#headerBytes = 0;
        this.#readHeader(this.#header, 0);
      }

      const length = this.#length;
      if (end - pos >= length) {
        // The whole payload is in this chunk.
        // A plain Uint8Array view even when the chunk is a Node Buffer, so a
        // payload's `slice()` always copies, whatever the source.
        let payload = new Uint8Array(chunk.buffer, chunk.byteOffset + pos, length);
        if (this.#masked && length > 0) {
          const unmasked = allocOwnBytes(length);
          maskInto(payload, unmasked, this.#maskKey);
          payload = unmasked;
        }
        pos += length;
        frames.push(this.#frame(payload));
      } else {
        this.#payload = this.#allocate(length);
        this.#filled = 0;
      }
    }
  }

  /** Decodes and validates a complete header at `bytes[at]`; returns the position after it. */
  #readHeader(bytes: Uint8Array, at: number): number {
    const length = this.#check(bytes, at, 14);
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    this.#fin = (b0 & 0x80) !== 0;
    this.#rsv1 = (b0 & 0x40) !== 0;
    this.#rsv2 = (b0 & 0x20) !== 0;
    this.#rsv3 = (b0 & 0x10) !== 0;
    this.#opcode = (b0 & 0x0f) as Opcode;
    this.#masked = (b1 & 0x80) !== 0;
    this.#length = length;
    const size = headerLength(b1);
    if (this.#masked) {
      const k = at + size - 4;
      this.#maskKey[0] = bytes[k]!;
      this.#maskKey[1] = bytes[k + 1]!;
      this.#maskKey[2] = bytes[k + 2]!;
      this.#maskKey[3] = bytes[k + 3]!;
    }
    if (!isControlOpcode(this.#opcode)) {
      // Track the data message this frame belongs to (checked in #check).
      this.#messageBytes = this.#opcode === 0 ? this.#messageBytes + length : length;
      if (this.#messageBytes > this.#maxMessageSize) {
        throw new PayloadTooBigError(
          `message of at least ${this.#messageBytes} bytes exceeds the limit of ${this.#maxMessageSize}`,
          this.#maxMessageSize,
        );
      }
      this.#messageOpen = !this.#fin;
      if (this.#fin) this.#messageBytes = 0;
    }
    return at + size;
  }

  /**
   * Applies every rule that the first `available` header bytes at `bytes[at]`
   * decide, without changing state. Returns the payload length once known, else -1.
   */
  #check(bytes: Uint8Array, at: number, available: number): number {
    if (available < 1) return -1;
    const b0 = bytes[at]!;
    const opcode = b0 & 0x0f;
    if (!isKnownOpcode(opcode)) throw new ProtocolError(`reserved opcode 0x${opcode.toString(16)}`);
    const control = isControlOpcode(opcode);
    if (b0 & 0x70) {
      if (control) throw new ProtocolError('RSV bit set on a control frame');
      const rsv = this.#allowedRsv;
      if ((b0 & 0x40 && !rsv.rsv1) || (b0 & 0x20 && !rsv.rsv2) || (b0 & 0x10 && !rsv.rsv3)) {
        throw new ProtocolError('RSV bit set that no negotiated extension uses');
      }
    }
    if (control) {
      if (!(b0 & 0x80)) throw new ProtocolError('fragmented control frame');
    } else if (opcode === 0) {
      if (!this.#messageOpen) throw new ProtocolError('continuation frame without a message to continue');
    } else if (this.#messageOpen) {
      throw new ProtocolError('new data message started before the previous one finished');
    }
    if (available < 2) return -1;
    const b1 = bytes[at + 1]!;
    const masked = (b1 & 0x80) !== 0;
    if (masked !== this.#expectMasked) {
      throw new ProtocolError(this.#expectMasked ? 'client frame is not masked' : 'server frame is masked');
    }
    const length7 = b1 & 0x7f;
    if (control && length7 > 125) throw new ProtocolError('control frame payload longer than 125 bytes');
    let length: number;
    if (length7 < 126) {
      length = length7;
    } else if (length7 === 126) {
      if (available < 4) return -1;
      length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      if (length < 126) throw new ProtocolError('payload length not minimally encoded (16-bit form for < 126)');
    } else {
      if (available < 10) return -1;
      const high = ((bytes[at + 2]! << 24) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!) >>> 0;
      const low = ((bytes[at + 6]! << 24) | (bytes[at + 7]! << 16) | (bytes[at + 8]! << 8) | bytes[at + 9]!) >>> 0;
      if (high & 0x80000000) throw new ProtocolError('most significant bit of the 64-bit payload length is set');
      if (high > MAX_SAFE_HIGH_WORD) {
        throw new PayloadTooBigError('payload length beyond 2^53 bytes', Math.min(this.#maxFramePayload, Number.MAX_SAFE_INTEGER));
      }
      length = high * 0x100000000 + low;
      if (length < 0x10000) throw new ProtocolError('payload length not minimally encoded (64-bit form for < 65536)');
    }
    if (length > this.#maxFramePayload) {
      throw new PayloadTooBigError(
        `frame payload of ${length} bytes exceeds the limit of ${this.#maxFramePayload}`,
        this.#maxFramePayload,
      );
    }
    return length;
  }

  /**
   * Buffer for a payload whose length passed the limits. Without limits a
   * header may announce more than the runtime can allocate: that is a frame
   * too big (1009), not an internal RangeError.
   */
  #allocate(length: number): Uint8Array {
    try {
      return allocOwnBytes(length);
    } catch (cause) {
      throw new PayloadTooBigError(`cannot buffer a frame payload of ${length} bytes`, Math.min(this.#maxFramePayload, length - 1), {
        cause,
      });
    }
  }

  #frame(payload: Uint8Array): Frame {
    return {
      fin: this.#fin,
      rsv1: this.#rsv1,
      rsv2: this.#rsv2,
      rsv3: this.#rsv3,
      opcode: this.#opcode,
      payload,
    };
  }
}
