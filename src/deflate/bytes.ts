/** Byte helpers shared by the codec. */

export const EMPTY = new Uint8Array(0);

/** The empty stored block a Z_SYNC_FLUSH ends with; stripped from every message (RFC 7692 §7.2.1). */
export const SYNC_TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/** Joins chunks, without copying when there is only one. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  if (chunks.length === 0) return EMPTY;
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function endsWithSyncTail(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= 4 && bytes[n - 4] === 0 && bytes[n - 3] === 0 && bytes[n - 2] === 0xff && bytes[n - 1] === 0xff;
}

/** `payload` followed by the sync tail, in one new buffer. */
export function withSyncTail(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 4);
  out.set(payload, 0);
  out.set(SYNC_TAIL, payload.length);
  return out;
}

/** Bytes copied per pause point when joining a large output. */
const CONCAT_SLICE = 1024 * 1024;

/**
 * `concatBytes` for the sliced path: a multi-megabyte join is itself a long
 * synchronous stretch (allocation plus copy), so it pauses every ~1 MiB.
 */
export function* concatBytesInSteps(chunks: readonly Uint8Array[]): Generator<void, Uint8Array, void> {
  if (chunks.length <= 1) return concatBytes(chunks);
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let offset = 0;
  let sinceYield = 0;
  for (const chunk of chunks) {
    if (sinceYield >= CONCAT_SLICE) {
      sinceYield = 0;
      yield;
    }
    out.set(chunk, offset);
    offset += chunk.length;
    sinceYield += chunk.length;
  }
  return out;
}

/**
 * Removes the trailing empty stored block (RFC 7692 §7.2.1 step 2). zlib emits
 * nothing for a flush right after a flush; the earlier fragment then already
 * ended the stream at a byte boundary, and a lone 0x00 (an empty stored block
 * the receiver completes with its appended tail) ends the message correctly.
 */
export function stripSyncTail(bytes: Uint8Array): Uint8Array {
  // A plain view: Buffer#subarray (zlib hands us Buffers) costs several times more.
  if (endsWithSyncTail(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length - 4);
  if (bytes.length === 0) return new Uint8Array([0x00]);
  throw new Error('permessage-deflate: deflate output did not end with a sync flush');
}
