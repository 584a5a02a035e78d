/**
 * The small synchronous zlib interface the codec runs on. Two implementations
 * pass the same test suite: `minizlibBackend` (Node's native zlib, driven
 * synchronously) and `pakoBackend` (pure JS, for browsers, Deno and edge
 * runtimes). Everything RFC 7692 needs is here and nothing more: raw deflate,
 * a window size, Z_SYNC_FLUSH after every write, reset and release.
 */

/** zlib's strategy numbers (identical in zlib, Node and pako). */
export const Strategy = {
  Default: 0,
  Filtered: 1,
  HuffmanOnly: 2,
  Rle: 3,
  Fixed: 4,
} as const;

export interface DeflaterOptions {
  /** 9–15: zlib cannot compress raw deflate with an 8-bit window (see `zlibMatchLimit`). */
  readonly windowBits: number;
  readonly level: number;
  readonly memLevel: number;
  readonly strategy: number;
}

export interface InflaterOptions {
  /** 8–15: the window of the stream being inflated (a larger one also works). */
  readonly windowBits: number;
}

export interface Deflater {
  /**
   * Compresses `input` and flushes with Z_SYNC_FLUSH, appending the output to
   * `out` (the bytes end with `00 00 ff ff` unless zlib had nothing at all to
   * flush, in which case nothing is appended).
   */
  write(input: Uint8Array, out: Uint8Array[]): void;
  /** Forgets the sliding window: the next write starts a fresh stream. */
  reset(): void;
  /**
   * Optional: frees everything but the window (what the peer may still refer
   * to) while the connection is idle; the next write rebuilds the state from
   * it. Called only between messages.
   */
  hibernate?(): void;
  /** Frees native memory; the deflater cannot be used afterwards. */
  close(): void;
}

export interface Inflater {
  /**
   * Inflates `input`, appending the output to `out`. Returns how many input
   * bytes were consumed: fewer than `input.length` only when the deflate
   * stream ended (a block with BFINAL set). Throws on corrupt data.
   */
  write(input: Uint8Array, out: Uint8Array[]): number;
  /** Forgets the window and any partial state: the next write starts a fresh stream. */
  reset(): void;
  /** Optional, as `Deflater.hibernate`: keeps only the window until the next write. */
  hibernate?(): void;
  /**
   * Optional: called after the last write of each message (its `00 00 ff ff`
   * included), when the stream is at a block boundary. lowMemoryBackend may
   * hand its window to another implementation there.
   */
  endOfMessage?(): void;
  close(): void;
}

export interface ZlibBackend {
  readonly name: string;
  /**
   * True when the deflater, like zlib, never matches further back than
   * 2^windowBits − 262 bytes (zlib's MAX_DIST). Then a 9-bit window emits
   * distances ≤ 250 and is safe for a peer that agreed on 8; without it the
   * codec falls back to run-length encoding (distance 1 only) for window 8.
   */
  readonly zlibMatchLimit?: boolean;
  createDeflater(options: DeflaterOptions): Deflater;
  createInflater(options: InflaterOptions): Inflater;
}
