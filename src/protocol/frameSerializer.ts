/**
 * Frame serializer (RFC 6455 §5.2): the inverse of `FrameParser`.
 *
 * Clients mask every frame with a fresh random key; servers never mask. The
 * caller's payload is never modified: masking writes into the output buffer.
 * `serializeFrameParts` returns header and payload separately so an unmasked
 * payload reaches the socket (`writev`) without being copied.
 *
 * A frame no peer may receive is the caller's mistake, not the peer's: it is
 * refused with a `RangeError`, never a `ProtocolError` whose 1002 would blame
 * the other side.
 */
import type { Frame } from './frame.js';
import { isControlOpcode, isKnownOpcode } from './opcodes.js';
import { maskCopy, writeRandomMaskKey } from './mask.js';
import { allocOwnBytes, allocUnsafeBytes } from './bytePool.js';

export interface SerializeOptions {
  /** Mask the payload (every client-to-server frame, RFC 6455 §5.3). */
  mask: boolean;
  /** The key to mask with; a random one when omitted. Mainly for tests and byte-exact examples. */
  maskKey?: Uint8Array;
  /**
   * `serializeFrame` only: the output is written to a socket and dropped, so
   * it may be carved from the shared slab (an own buffer of 100–1000 bytes
   * costs ~0.2–1 µs, a slab carve ~50 ns). Never for bytes anyone keeps,
   * queues in a stream or transfers.
   */
  pooled?: boolean;
}

/** Header size for a payload length: 2 bytes, extended length, masking key. */
export function frameHeaderLength(payloadLength: number, mask: boolean): number {
  return 2 + (payloadLength < 126 ? 0 : payloadLength < 0x10000 ? 2 : 8) + (mask ? 4 : 0);
}

/** Throws a `RangeError` for a frame no peer may receive (RFC 6455 §5.2, §5.5). */
function checkFrame(frame: Frame): void {
  if (!isKnownOpcode(frame.opcode)) throw new RangeError(`cannot send reserved opcode ${frame.opcode}`);
  if (isControlOpcode(frame.opcode)) {
    if (!frame.fin) throw new RangeError('cannot send a fragmented control frame');
    if (frame.payload.length > 125) throw new RangeError('cannot send a control frame payload over 125 bytes');
    // No extension defines RSV bits for control frames; our own parser refuses them.
    if (frame.rsv1 || frame.rsv2 || frame.rsv3) throw new RangeError('cannot send a control frame with an RSV bit set');
  }
  if (frame.payload.length > Number.MAX_SAFE_INTEGER) throw new RangeError('payload too long to encode');
}

/**
 * Writes the header of `frame` into `target` from index 0, including the
 * masking key (the given one or a fresh random one). Returns the header length.
 */
function writeHeader(frame: Frame, target: Uint8Array, options: SerializeOptions): number {
  const length = frame.payload.length;
  target[0] =
    (frame.fin ? 0x80 : 0) | (frame.rsv1 ? 0x40 : 0) | (frame.rsv2 ? 0x20 : 0) | (frame.rsv3 ? 0x10 : 0) | frame.opcode;
  const maskBit = options.mask ? 0x80 : 0;
  let at: number;
  if (length < 126) {
    target[1] = maskBit | length;
    at = 2;
  } else if (length < 0x10000) {
    target[1] = maskBit | 126;
    target[2] = length >>> 8;
    target[3] = length & 0xff;
    at = 4;
  } else {
    target[1] = maskBit | 127;
    const high = Math.floor(length / 0x100000000);
    const low = length >>> 0;
    target[2] = high >>> 24;
    target[3] = (high >>> 16) & 0xff;
    target[4] = (high >>> 8) & 0xff;
    target[5] = high & 0xff;
    target[6] = low >>> 24;
    target[7] = (low >>> 16) & 0xff;
    target[8] = (low >>> 8) & 0xff;
    target[9] = low & 0xff;
    at = 10;
  }
  if (!options.mask) return at;
  if (options.maskKey !== undefined) {
    if (options.maskKey.length !== 4) throw new RangeError('a masking key is exactly 4 bytes');
    target.set(options.maskKey, at);
  } else {
    writeRandomMaskKey(target, at);
  }
  return at + 4;
}

/**
 * Builds the header of `frame` (2–14 bytes, including the masking key when
 * masking) and returns the key used, so the caller can mask the payload.
 * The header is a buffer of its own (it may be queued in a stream, kept or
 * transferred).
 *
 * @example
 * const { header } = encodeFrameHeader(createFrame(Opcode.Text, new Uint8Array(5)), { mask: false });
 * // header: 81 05
 */
export function encodeFrameHeader(frame: Frame, options: SerializeOptions): { header: Uint8Array; maskKey?: Uint8Array } {
  checkFrame(frame);
  const header = allocOwnBytes(frameHeaderLength(frame.payload.length, options.mask));
  const size = writeHeader(frame, header, options);
  return options.mask ? { header, maskKey: header.subarray(size - 4, size) } : { header };
}

/**
 * Serializes `frame` into one new buffer of its own, masked if asked. Never
 * mutates `frame.payload`.
 *
 * @example
 * serializeFrame(createFrame(Opcode.Text, new TextEncoder().encode('Hello')), { mask: false });
 * // 81 05 48 65 6c 6c 6f (RFC 6455 §5.7)
 */
export function serializeFrame(frame: Frame, options: SerializeOptions): Uint8Array {
  checkFrame(frame);
  const payload = frame.payload;
  const total = frameHeaderLength(payload.length, options.mask) + payload.length;
  const out = options.pooled === true ? allocUnsafeBytes(total) : allocOwnBytes(total);
  const size = writeHeader(frame, out, options);
  if (options.mask) maskCopy(payload, out, size, out, size - 4);
  else out.set(payload, size);
  return out;
}

/**
 * Serializes `frame` as parts to write in order, for a vectored write.
 * Unmasked: `[header, frame.payload]`, the payload itself (no copy).
 * Masked: the masked payload must be a new buffer anyway, so the header is
 * written in front of it: `[frame]` in one buffer. An empty payload yields
 * `[header]`.
 *
 * For a socket write only: an unmasked header is carved from a shared slab
 * (allocating 2–10 bytes on their own costs more than the write), so write
 * it and let it go — never keep or transfer it.
 *
 * @example
 * const parts = serializeFrameParts(frame, { mask: false });
 * socket.cork(); for (const p of parts) socket.write(p); socket.uncork();
 */
export function serializeFrameParts(frame: Frame, options: SerializeOptions): Uint8Array[] {
  if (options.mask) return [serializeFrame(frame, options)];
  checkFrame(frame);
  const payload = frame.payload;
  const header = allocUnsafeBytes(frameHeaderLength(payload.length, false));
  writeHeader(frame, header, options);
  return payload.length === 0 ? [header] : [header, payload];
}
