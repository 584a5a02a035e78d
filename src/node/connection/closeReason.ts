/**
 * The Close frame a failing connection sends: the error's code and message,
 * made sendable. Some codes are never sent on the wire (1006 and others): they
 * fall back to 1011; the reason is cut to what fits in a control frame,
 * on a character boundary.
 */
import { CloseCode } from '../../protocol/closeCodes.js';
import { encodeClosePayload, MAX_CLOSE_REASON_BYTES } from '../../protocol/closePayload.js';
import { WebSocketError } from '../../protocol/errors.js';

// An error's close code may be one that is never sent (1006 etc.): fall back to
// 1011, and trim the reason to what fits in a control frame.
export function safeClosePayload(error: WebSocketError): Uint8Array {
  const code = error.closeCode;
  const reason = truncateUtf8(wireReason(error), MAX_CLOSE_REASON_BYTES);
  try {
    return encodeClosePayload(code, reason);
  } catch {
    return encodeClosePayload(CloseCode.InternalError, reason);
  }
}

export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  // Cut on a character boundary: drop continuation bytes at the cut.
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, end));
}

/**
 * What the peer is told. An internal (1011) or extension (1010) failure that
 * wraps a foreign exception carries that exception's text — paths, hosts,
 * secrets from a bug or a library's internals — so the peer gets a fixed
 * reason and the details stay local, in `closed.error`.
 */
export function wireReason(error: WebSocketError): string {
  const foreign = error.cause !== undefined && !(error.cause instanceof WebSocketError);
  if (foreign && error.closeCode === CloseCode.InternalError) return 'internal error';
  if (foreign && error.closeCode === CloseCode.MandatoryExtension) return 'extension failed';
  return error.message;
}
