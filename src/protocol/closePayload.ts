/**
 * The payload of a close frame (RFC 6455 §5.5.1, §7.4): empty, or a 2-byte
 * big-endian status code followed by a UTF-8 reason. Control frame payloads
 * are at most 125 bytes, which leaves 123 bytes for the reason.
 */
import { CloseCode, isSendableCloseCode } from './closeCodes.js';
import { InvalidDataError, ProtocolError } from './errors.js';
import { isValidUtf8 } from './utf8.js';

/** Longest close reason in UTF-8 bytes (125-byte control payload minus the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

const encoder = new TextEncoder();
// ignoreBOM: a reason may start with U+FEFF like any other text; the default would strip it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Builds a close frame payload. Without a code the payload is empty (and a
 * reason is then not allowed, the RFC puts it after the code: `TypeError`).
 * Throws a `RangeError` for a code that may not be sent (1004–1006, 1015,
 * < 1000, unassigned ranges) or a reason longer than 123 UTF-8 bytes: these
 * are the caller's mistakes, not a protocol violation by the peer.
 *
 * @example
 * encodeClosePayload(1000, 'bye'); // Uint8Array [0x03, 0xe8, 0x62, 0x79, 0x65]
 * encodeClosePayload();            // Uint8Array []
 */
export function encodeClosePayload(code?: number, reason = ''): Uint8Array {
  if (code === undefined) {
    if (reason !== '') throw new TypeError('a close reason needs a close code');
    return new Uint8Array(0);
  }
  if (!isSendableCloseCode(code)) throw new RangeError(`close code ${code} may not be sent`);
  const reasonBytes = encoder.encode(reason);
  if (reasonBytes.length > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(
      `close reason is ${reasonBytes.length} UTF-8 bytes, at most ${MAX_CLOSE_REASON_BYTES} fit in a close frame`,
    );
  }
  const payload = new Uint8Array(2 + reasonBytes.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(reasonBytes, 2);
  return payload;
}

/**
 * Reads a close frame payload received from the peer. An empty payload means
 * "no status" (1005). A 1-byte payload or a code that may not appear on the
 * wire is a `ProtocolError` (1002); a reason that is not UTF-8 is an
 * `InvalidDataError` (1007).
 *
 * @example
 * decodeClosePayload(new Uint8Array([0x03, 0xe8])); // { code: 1000, reason: '' }
 */
export function decodeClosePayload(payload: Uint8Array): { code: number; reason: string } {
  if (payload.length === 0) return { code: CloseCode.NoStatus, reason: '' };
  if (payload.length === 1) throw new ProtocolError('close frame payload of 1 byte: a status code needs 2');
  if (payload.length > 125) throw new ProtocolError(`close frame payload of ${payload.length} bytes exceeds 125`);
  const code = (payload[0]! << 8) | payload[1]!;
  if (!isSendableCloseCode(code)) throw new ProtocolError(`invalid close code ${code} received`);
  const reasonBytes = payload.subarray(2);
  if (!isValidUtf8(reasonBytes)) throw new InvalidDataError('close reason is not valid UTF-8');
  return { code, reason: decoder.decode(reasonBytes) };
}
