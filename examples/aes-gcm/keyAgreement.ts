/**
 * Key agreement for the AES-GCM extension: ephemeral ECDH on P-256, both
 * public keys and a fresh 128-bit nonce from each side exchanged as extension
 * parameters, then HKDF-SHA-256 into one AES-256-GCM key per direction.
 *
 * The nonces make every connection's keys unique even when an ECDH key pair
 * is reused (a factory keeps one pair for its lifetime, because negotiation is
 * synchronous and WebCrypto key generation is not). One key per direction
 * means the two peers' message counters can never produce the same IV under
 * the same key.
 */
import { decodeBase64url } from './base64url.js';

const P256_PUBLIC_KEY_LENGTH = 65;
export const NONCE_LENGTH = 16;

export interface EcdhKeyPair {
  readonly privateKey: CryptoKey;
  /** The uncompressed point (0x04 ‖ x ‖ y), as sent in the parameters. */
  readonly publicKey: Uint8Array;
}

export interface DirectionKeys {
  /** Seals what this side sends. */
  readonly send: CryptoKey;
  /** Opens what the peer sends. */
  readonly receive: CryptoKey;
}

export async function generateEcdhKeyPair(): Promise<EcdhKeyPair> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}

export function randomNonce(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(NONCE_LENGTH));
}

/**
 * Derives both directions' keys. `role` decides which derived key seals:
 * the client sends with the client→server key, the server with the other.
 */
export async function deriveDirectionKeys(input: {
  readonly role: 'client' | 'server';
  readonly ownPrivateKey: CryptoKey;
  readonly peerPublicKey: Uint8Array;
  readonly clientPublicKey: Uint8Array;
  readonly serverPublicKey: Uint8Array;
  readonly clientNonce: Uint8Array;
  readonly serverNonce: Uint8Array;
}): Promise<DirectionKeys> {
  const peer = await crypto.subtle.importKey('raw', input.peerPublicKey as BufferSource, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: peer }, input.ownPrivateKey, 256);
  const ikm = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  // Salt binds the keys to this handshake's nonces; info binds them to both public keys and a direction.
  const salt = concat(input.clientNonce, input.serverNonce);
  const derive = (direction: string) =>
    crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: salt as BufferSource, info: concat(new TextEncoder().encode(`wsx x-aes-gcm ${direction}`), input.clientPublicKey, input.serverPublicKey) as BufferSource },
      ikm,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  const [clientToServer, serverToClient] = await Promise.all([derive('client->server'), derive('server->client')]);
  return input.role === 'client'
    ? { send: clientToServer, receive: serverToClient }
    : { send: serverToClient, receive: clientToServer };
}

// P-256 (FIPS 186-4 D.1.2.3): y² = x³ − 3x + b over GF(p).
const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

/**
 * Decodes a `client_key`/`server_key` value and checks, synchronously, that
 * it is an uncompressed point on P-256 — so a bad key is refused during the
 * handshake (decline or 1010) instead of failing later inside WebCrypto.
 */
export function parsePublicKey(value: string): Uint8Array | undefined {
  const bytes = decodeBase64url(value);
  if (!bytes || bytes.length !== P256_PUBLIC_KEY_LENGTH || bytes[0] !== 0x04) return undefined;
  const x = toBigInt(bytes.subarray(1, 33));
  const y = toBigInt(bytes.subarray(33, 65));
  if (x >= P || y >= P) return undefined;
  const left = (y * y) % P;
  const right = (((x * x) % P) * x - 3n * x + B) % P;
  return left === (right + P) % P ? bytes : undefined;
}

export function parseNonce(value: string): Uint8Array | undefined {
  const bytes = decodeBase64url(value);
  return bytes && bytes.length === NONCE_LENGTH ? bytes : undefined;
}

function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
