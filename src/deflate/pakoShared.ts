// Helpers shared by the pako deflater and inflater.
import type { ZStream } from 'pako';

const MIN_OUT = 256;
const MAX_OUT = 64 * 1024;

export const EMPTY = new Uint8Array(0);

export function zlibFailure(operation: string, status: number, strm: ZStream): Error {
  return new Error(`pako ${operation} failed (${status}): ${strm.msg || 'unknown error'}`);
}

// The output buffer is sized from the input so a typical write needs one
// buffer: deflate rarely grows data by more than a few bytes per block,
// inflate of text usually expands 3–6×.
export function outputSize(inputLength: number, factor: number): number {
  return Math.min(MAX_OUT, Math.max(MIN_OUT, inputLength * factor + 64));
}
