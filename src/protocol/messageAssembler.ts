/**
 * Sans-I/O message assembly: data frames in, whole messages out (RFC 6455 §5.4).
 *
 * The caller routes control frames elsewhere (they may arrive between the
 * fragments of a message). The running size is checked before each fragment
 * is kept, so a message over the limit is refused without buffering past it,
 * and text is validated incrementally so bad UTF-8 fails at the first frame
 * that proves it.
 */
import type { Frame } from './frame.js';
import type { Message } from './message.js';
import type { DataOpcode } from './opcodes.js';
import { InvalidDataError, PayloadTooBigError, ProtocolError } from './errors.js';
import { isControlOpcode, Opcode } from './opcodes.js';
import { Utf8Validator } from './utf8.js';
import { allocOwnBytes } from './bytePool.js';

export interface MessageAssemblerOptions {
  /** Largest message in bytes (default `Infinity`); a larger one is 1009. */
  maxMessageSize?: number;
  /**
   * Check that text messages are UTF-8 (default true; invalid is 1007). Turn it
   * off only where frames are still extension-encoded (e.g. compressed).
   */
  validateUtf8?: boolean;
}

/** Fragments below this size are copied together rather than kept as separate views. */
const SMALL_FRAGMENT = 1024;
/**
 * Largest buffer small fragments are copied into. The first one is sized to
 * the fragments (at least 256 bytes) and doubles up to this, so a short
 * fragmented message does not cost 16 KiB of zero-filling.
 */
const MAX_TAIL = 16 * 1024;
const MIN_TAIL = 256;

/**
 * Joins payloads into one new buffer of its own; a single part is returned as
 * is. `total`, when given, must be the parts' summed length (a RangeError
 * otherwise: a larger total would hand out uninitialised bytes).
 *
 * @example
 * concatBytes([new Uint8Array([1, 2]), new Uint8Array([3])]); // Uint8Array [1, 2, 3]
 */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  if (total !== undefined && total !== size) throw new RangeError(`concatBytes: total ${total} is not the parts' length ${size}`);
  if (parts.length === 1) return parts[0]!;
  const out = allocOwnBytes(size); // every byte is written below
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * @example
 * const assembler = new MessageAssembler({ maxMessageSize: 1 << 20 });
 * assembler.push(createFrame(Opcode.Text, bytes('Hel'), { fin: false })); // null
 * assembler.push(createFrame(Opcode.Continuation, bytes('lo')));          // { opcode: 1, data: 'Hello' }
 */
export class MessageAssembler {
  readonly #maxMessageSize: number;
  readonly #validateUtf8: boolean;
  readonly #utf8 = new Utf8Validator();

  // The message being assembled: its first frame and the payloads so far.
  #first: Frame | null = null;
  #parts: Uint8Array[] = [];
  #size = 0;
  #checkText = false;
  // Small fragments are copied together here instead of being kept one view
  // each: a peer sending a message as a million 1-byte frames must not cost a
  // million objects (~100 bytes each) for a million bytes of data.
  #tail: Uint8Array | null = null;
  #tailUsed = 0;

  constructor(options: MessageAssemblerOptions = {}) {
    const max = options.maxMessageSize ?? Infinity;
    // NaN or a negative would silently turn the limit off.
    if (typeof max !== 'number' || !(max >= 0)) throw new RangeError(`maxMessageSize must be a number ≥ 0, got ${String(max)}`);
    this.#maxMessageSize = max;
    this.#validateUtf8 = options.validateUtf8 ?? true;
  }

  /** True between the first and the final frame of a fragmented message. */
  get inMessage(): boolean {
    return this.#first !== null;
  }

  /** Payload bytes held for the unfinished message. */
  get bufferedBytes(): number {
    return this.#size;
  }

  /**
   * Adds a data frame; returns the message it completes, or null. Throws
   * `ProtocolError` (1002) for a control frame or a continuation out of place,
   * `PayloadTooBigError` (1009) past `maxMessageSize`, `InvalidDataError`
   * (1007) for text that is not UTF-8.
   */
  push(frame: Frame): Message | null {
    if (isControlOpcode(frame.opcode)) throw new ProtocolError('control frames are not part of a message');
    if (frame.opcode === Opcode.Continuation) {
      if (this.#first === null) throw new ProtocolError('continuation frame without a message to continue');
    } else {
      if (this.#first !== null) throw new ProtocolError('new data message started before the previous one finished');
      this.#reset();
      this.#first = frame;
      this.#checkText = this.#validateUtf8 && frame.opcode === Opcode.Text;
      this.#utf8.reset();
    }
    const payload = frame.payload;
    const size = this.#size + payload.length;
    if (size > this.#maxMessageSize) {
      this.#reset();
      throw new PayloadTooBigError(
        `message of at least ${size} bytes exceeds the limit of ${this.#maxMessageSize}`,
        this.#maxMessageSize,
      );
    }
    if (this.#checkText && !this.#utf8.push(payload, frame.fin)) {
      this.#reset();
      throw new InvalidDataError('text message is not valid UTF-8');
    }
    this.#size = size;
    const first = this.#first!;
    let data: Uint8Array;
    if (frame.fin && this.#parts.length === 0 && this.#tailUsed === 0) {
      data = payload; // a message in one frame: no copy
    } else {
      this.#keep(payload);
      if (!frame.fin) return null;
      this.#flushTail();
      data = concatBytes(this.#parts, size);
    }
    const message: Message = {
      opcode: first.opcode as DataOpcode,
      rsv1: first.rsv1,
      rsv2: first.rsv2,
      rsv3: first.rsv3,
      data,
    };
    this.#reset();
    return message;
  }

  /** Holds a fragment's payload: large ones as they are, small ones copied into the shared tail. */
  #keep(payload: Uint8Array): void {
    const length = payload.length;
    if (length === 0) return;
    if (length >= SMALL_FRAGMENT) {
      this.#flushTail();
      this.#parts.push(payload);
      return;
    }
    const tail = this.#tail;
    if (tail === null) {
      this.#tail = new Uint8Array(Math.max(MIN_TAIL, 2 * length));
    } else if (this.#tailUsed + length > tail.length) {
      const needed = this.#tailUsed + length;
      if (needed <= MAX_TAIL) {
        // Grow geometrically while small: copying what is there is cheaper than another part.
        const grown = new Uint8Array(Math.min(MAX_TAIL, Math.max(2 * tail.length, needed)));
        grown.set(tail.subarray(0, this.#tailUsed));
        this.#tail = grown;
      } else {
        this.#flushTail();
        this.#tail = new Uint8Array(MAX_TAIL);
      }
    }
    this.#tail!.set(payload, this.#tailUsed);
    this.#tailUsed += length;
  }

  /** Moves the tail's bytes into the parts, trimmed so a mostly empty tail does not stay allocated. */
  #flushTail(): void {
    if (this.#tail !== null && this.#tailUsed > 0) {
      this.#parts.push(this.#tailUsed === this.#tail.length ? this.#tail : this.#tail.slice(0, this.#tailUsed));
    }
    this.#tail = null;
    this.#tailUsed = 0;
  }

  #reset(): void {
    this.#first = null;
    this.#parts = [];
    this.#size = 0;
    this.#tail = null;
    this.#tailUsed = 0;
  }
}
