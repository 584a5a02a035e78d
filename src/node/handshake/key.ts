/**
 * The Sec-WebSocket-Key / Sec-WebSocket-Accept pair of RFC 6455 §4.2.2: the
 * client sends 16 random bytes in base64; the server proves it speaks
 * WebSocket by answering base64(SHA-1(key + GUID)). The GUID is fixed by the RFC.
 */
import { createHash, randomBytes } from 'node:crypto';

export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

// base64 of exactly 16 bytes: 22 significant characters, the last of which may
// only carry 2 bits (so it is one of A, Q, g, w), then '=='.
const KEY_PATTERN = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/**
 * A fresh client key.
 * @example
 * const key = generateKey(); // e.g. 'dGhlIHNhbXBsZSBub25jZQ=='
 */
export function generateKey(): string {
  return randomBytes(16).toString('base64');
}

/** Whether `key` is the base64 encoding of 16 bytes, as §4.1 requires. */
export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/**
 * The Sec-WebSocket-Accept value that answers `key`.
 * @example
 * computeAccept('dGhlIHNhbXBsZSBub25jZQ==') === 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
 */
export function computeAccept(key: string): string {
  return createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
}
