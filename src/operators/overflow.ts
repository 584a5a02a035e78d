// The bridges' shared reading of the `overflow` option (internal: not exported from the index).

/** Resolves the overflow option to the largest number of values allowed in a buffer. */
export function overflowLimit(overflow: 'error' | number | undefined, highWaterMark: number, fallback: 'error' | number): number {
  const policy = overflow ?? fallback;
  if (policy === 'error') return highWaterMark;
  if (typeof policy === 'number' && policy >= 0) return policy;
  throw new RangeError(`overflow must be 'error' or a number ≥ 0, got ${String(overflow)}`);
}
