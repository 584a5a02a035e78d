/**
 * WebSocket masking (RFC 6455 §5.3): payload byte i is XORed with key[i % 4].
 *
 * Masking runs over every byte a client sends and a server receives, so it is
 * written for throughput: bytes up to the first 4-byte boundary are done one by
 * one, the aligned middle as 32-bit words through a `Uint32Array` view (the key
 * rotated to the right phase and read in native byte order), then the tail.
 */

// Scratch space to turn the 4 key bytes into one native-endian 32-bit word.
const keyBytes = new Uint8Array(4);
const keyWord = new Uint32Array(keyBytes.buffer);

// Below this size a plain byte loop beats creating a typed-array view.
const WORD_THRESHOLD = 32;

/**
 * XORs `data` with the 4-byte mask `key` in place. `offset` is the position in
 * the mask cycle of `data[0]` (the number of payload bytes already masked),
 * so a payload may be masked piece by piece.
 *
 * @example
 * const data = new TextEncoder().encode('Hello');
 * applyMask(data, new Uint8Array([0x37, 0xfa, 0x21, 0x3d]));
 * // data is now 7f 9f 4d 51 58 (RFC 6455 §5.7); applying it again restores 'Hello'
 */
export function applyMask(data: Uint8Array, key: Uint8Array, offset = 0): void {
  const length = data.length;
  let i = 0;
  if (length >= WORD_THRESHOLD) {
    const misalignment = data.byteOffset & 3;
    const head = misalignment === 0 ? 0 : 4 - misalignment;
    for (; i < head; i++) data[i] ^= key[(offset + i) & 3]!;
    const words = (length - i) >>> 2;
    const phase = offset + i;
    keyBytes[0] = key[phase & 3]!;
    keyBytes[1] = key[(phase + 1) & 3]!;
    keyBytes[2] = key[(phase + 2) & 3]!;
    keyBytes[3] = key[(phase + 3) & 3]!;
    const k = keyWord[0]!;
    const view = new Uint32Array(data.buffer, data.byteOffset + i, words);
    for (let w = 0; w < words; w++) view[w]! ^= k;
    i += words << 2;
  }
  for (; i < length; i++) data[i] ^= key[(offset + i) & 3]!;
}

// Up to this size maskInto XORs while copying, byte by byte.
const FUSED_THRESHOLD = 256;

/**
 * Writes `source` XOR `key` into `target` (same length or longer) without
 * touching `source`: a native copy followed by the in-place word loop, which
 * is as fast as a fused loop and works whatever the two buffers' alignments.
 */
export function maskInto(source: Uint8Array, target: Uint8Array, key: Uint8Array, offset = 0): void {
  const length = source.length;
  if (length < FUSED_THRESHOLD) {
    // Small payloads: one fused loop beats a copy plus a second pass.
    for (let i = 0; i < length; i++) target[i] = source[i]! ^ key[(offset + i) & 3]!;
    return;
  }
  target.set(source);
  applyMask(target.length === length ? target : target.subarray(0, length), key, offset);
}


/**
 * Writes `source` XOR the key found at `keyBytes[keyAt..keyAt+3]` into
 * `target` starting at `targetAt`. The serializer's path: the key already sits
 * in the frame header, and no views are created for small payloads.
 */
export function maskCopy(source: Uint8Array, target: Uint8Array, targetAt: number, keyBytes: Uint8Array, keyAt: number): void {
  const length = source.length;
  const k0 = keyBytes[keyAt]!;
  const k1 = keyBytes[keyAt + 1]!;
  const k2 = keyBytes[keyAt + 2]!;
  const k3 = keyBytes[keyAt + 3]!;
  if (length >= FUSED_THRESHOLD) {
    target.set(source, targetAt);
    const key = new Uint8Array([k0, k1, k2, k3]);
    applyMask(target.subarray(targetAt, targetAt + length), key, 0);
    return;
  }
  let i = 0;
  for (; i + 3 < length; i += 4) {
    target[targetAt + i] = source[i]! ^ k0;
    target[targetAt + i + 1] = source[i + 1]! ^ k1;
    target[targetAt + i + 2] = source[i + 2]! ^ k2;
    target[targetAt + i + 3] = source[i + 3]! ^ k3;
  }
  if (i < length) target[targetAt + i] = source[i]! ^ k0;
  if (i + 1 < length) target[targetAt + i + 1] = source[i + 1]! ^ k1;
  if (i + 2 < length) target[targetAt + i + 2] = source[i + 2]! ^ k2;
}

// Random bytes are fetched in batches: one getRandomValues call per 1024 keys.
// Each refill allocates a fresh pool, so a key handed out earlier never changes.
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolOffset = 0;

/**
 * A fresh, unpredictable 4-byte masking key from `crypto.getRandomValues`
 * (RFC 6455 §5.3 requires keys the server cannot predict).
 *
 * @example
 * const key = randomMaskKey(); // Uint8Array(4)
 */
export function randomMaskKey(): Uint8Array {
  refillIfNeeded();
  const key = pool.subarray(poolOffset, poolOffset + 4);
  poolOffset += 4;
  return key;
}

/** Writes a fresh random masking key into `target[at..at+3]` (no allocation; used by the serializer). */
export function writeRandomMaskKey(target: Uint8Array, at: number): void {
  refillIfNeeded();
  target[at] = pool[poolOffset]!;
  target[at + 1] = pool[poolOffset + 1]!;
  target[at + 2] = pool[poolOffset + 2]!;
  target[at + 3] = pool[poolOffset + 3]!;
  poolOffset += 4;
}

function refillIfNeeded(): void {
  if (poolOffset + 4 > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    poolOffset = 0;
  }
}
