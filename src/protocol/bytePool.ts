/**
 * Fast allocation of small byte buffers. Creating a `Uint8Array` with its
 * own backing store costs far more than filling 100 bytes, so buffers up to
 * `MAX_POOLED` bytes are carved from a shared 16 KiB slab (the trade-off
 * Node's `Buffer.allocUnsafe` makes too): a small buffer keeps its slab alive
 * as long as it is referenced, and its `byteOffset` is not 0 — code that reads
 * `.buffer` must honour `byteOffset`/`byteLength`, as for any view.
 * Slabs are never reused, so a buffer handed out is never overwritten.
 *
 * Because a slab is shared, pooled buffers are only for bytes that never
 * reach the application (frame headers written straight to a socket): one
 * kept 50-byte message would pin 16 KiB, and transferring any one buffer
 * (postMessage, a byte stream, `ArrayBuffer.transfer`) would detach — empty —
 * all its neighbours. Payloads and messages use `allocOwnBytes`.
 */

/** Largest buffer served from the slab. */
export const MAX_POOLED = 1024;
const SLAB_SIZE = 16 * 1024;

let slab = new ArrayBuffer(0);
let slabOffset = 0;

/**
 * A zero-filled buffer of `size` bytes, from the slab when small. Offsets are
 * kept 8-byte aligned so word-wise masking takes its fast path.
 *
 * @example
 * const header = allocBytes(14);
 */
export function allocBytes(size: number): Uint8Array {
  if (size > MAX_POOLED) return new Uint8Array(size);
  if (slabOffset + size > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabOffset = 0;
  }
  // The constructor is cheaper than `subarray`, which looks up @@species.
  const bytes = new Uint8Array(slab, slabOffset, size);
  slabOffset = (slabOffset + size + 7) & ~7;
  return bytes;
}

type NodeBuffer = { allocUnsafe(size: number): Uint8Array; allocUnsafeSlow(size: number): Uint8Array };
const NodeBufferClass = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/**
 * Like `allocBytes`, but large buffers are not zero-filled (Node's
 * `Buffer.allocUnsafe`, returned as a plain `Uint8Array` view so `slice`
 * keeps its copying meaning). Only for callers that overwrite every byte
 * before anyone sees the buffer, such as the frame parser and serializer.
 */
export function allocUnsafeBytes(size: number): Uint8Array {
  if (size <= MAX_POOLED || NodeBufferClass === undefined) return allocBytes(size);
  const buffer = NodeBufferClass.allocUnsafe(size);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, size);
}

/** Below this, a zero-filled `Uint8Array` is cheaper than an uninitialised native allocation. */
const OWN_UNSAFE_FROM = 2048;

/**
 * A buffer of exactly `size` bytes over an `ArrayBuffer` of its own
 * (`byteOffset` 0, `buffer.byteLength === size`): safe to keep, transfer or
 * detach. Large ones are not zero-filled, so only for callers that overwrite
 * every byte before anyone sees the buffer (frame payloads, joined messages).
 *
 * @example
 * const payload = allocOwnBytes(1500); // payload.buffer.byteLength === 1500
 */
export function allocOwnBytes(size: number): Uint8Array {
  if (size < OWN_UNSAFE_FROM || NodeBufferClass === undefined) return new Uint8Array(size);
  // allocUnsafeSlow, unlike allocUnsafe, never carves from Node's shared pool.
  const buffer = NodeBufferClass.allocUnsafeSlow(size);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, size);
}
