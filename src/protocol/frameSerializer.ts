/**
 * Frame serializer (RFC 6455 §5.2): the inverse of `FrameParser`.
 *
 * Clients mask every frame with a fresh random key; servers never mask. The
 * caller's payload is never modified: masking writes into the output buffer.
 * `serializeFrameParts` returns header and payload separately so an unmasked
 * payload reaches the socket (`writev`) without being copied.
 */
import type { Frame } from './frame.js';
import { ProtocolError } from './errors.js';
import { isControlOpcode, isKnownOpcode } from './opcodes.js';
import { maskInto, randomMaskKey } from './mask.js';

export interface SerializeOptions {
  /** Mask the payload (every client-to-server frame, RFC 6455 §5.3). */
  mask: boolean;
  /** The key to mask with; a random one when omitted. Mainly for tests and byte-exact examples. */
  maskKey?: Uint8Array;
}

/** Throws a `ProtocolError` for a frame no peer may receive. */
function checkFrame(frame: Frame): void {
  if (!isKnownOpcode(frame.opcode)) throw new ProtocolError(`cannot send reserved opcode ${frame.opcode}`);
  if (isControlOpcode(frame.opcode)) {
    if (!frame.fin) throw new ProtocolError('cannot send a fragmented control frame');
    if (frame.payload.length > 125) throw new ProtocolError('cannot send a control frame payload over 125 bytes');
  }
}

/**
 * Builds the header of `frame` (2–14 bytes, including the masking key when
 * masking) and returns the key used, so the caller can mask the payload.
 *
 * @example
 * const { header } = encodeFrameHeader(createFrame(Opcode.Text, new Uint8Array(5)), { mask: false });
 * // header: 81 05
 */
export function encodeFrameHeader(frame: Frame, options: SerializeOptions): { header: Uint8Array; maskKey?: Uint8Array } {
  checkFrame(frame);
  const length = frame.payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const header = new Uint8Array(2 + lengthBytes + (options.mask ? 4 : 0));
  header[0] =
    (frame.fin ? 0x80 : 0) | (frame.rsv1 ? 0x40 : 0) | (frame.rsv2 ? 0x20 : 0) | (frame.rsv3 ? 0x10 : 0) | frame.opcode;
  const maskBit = options.mask ? 0x80 : 0;
  if (lengthBytes === 0) {
    header[1] = maskBit | length;
  } else if (lengthBytes === 2) {
    header[1] = maskBit | 126;
    header[2] = length >>> 8;
    header[3] = length & 0xff;
  } else {
    header[1] = maskBit | 127;
    const high = Math.floor(length / 0x100000000);
    const low = length >>> 0;
    header[2] = high >>> 24;
    header[3] = (high >>> 16) & 0xff;
    header[4] = (high >>> 8) & 0xff;
    header[5] = high & 0xff;
    header[6] = low >>> 24;
    header[7] = (low >>> 16) & 0xff;
    header[8] = (low >>> 8) & 0xff;
    header[9] = low & 0xff;
  }
  if (!options.mask) return { header };
  const maskKey = options.maskKey ?? randomMaskKey();
  if (maskKey.length !== 4) throw new RangeError('a masking key is exactly 4 bytes');
  header.set(maskKey, 2 + lengthBytes);
  return { header, maskKey };
}

/**
 * Serializes `frame` into one new buffer, masked if asked. Never mutates
 * `frame.payload`.
 *
 * @example
 * serializeFrame(createFrame(Opcode.Text, new TextEncoder().encode('Hello')), { mask: false });
 * // 81 05 48 65 6c 6c 6f (RFC 6455 §5.7)
 */
export function serializeFrame(frame: Frame, options: SerializeOptions): Uint8Array {
  const { header, maskKey } = encodeFrameHeader(frame, options);
  const payload = frame.payload;
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  const body = out.subarray(header.length);
  if (maskKey) maskInto(payload, body, maskKey);
  else body.set(payload);
  return out;
}

/**
 * Serializes `frame` as `[header, payload]` for a vectored write. Unmasked,
 * the payload is `frame.payload` itself (no copy); masked, it is a masked copy.
 * An empty payload yields just `[header]`.
 *
 * @example
 * const parts = serializeFrameParts(frame, { mask: false });
 * socket.cork(); for (const p of parts) socket.write(p); socket.uncork();
 */
export function serializeFrameParts(frame: Frame, options: SerializeOptions): Uint8Array[] {
  const { header, maskKey } = encodeFrameHeader(frame, options);
  const payload = frame.payload;
  if (payload.length === 0) return [header];
  if (!maskKey) return [header, payload];
  const masked = new Uint8Array(payload.length);
  maskInto(payload, masked, maskKey);
  return [header, masked];
}
