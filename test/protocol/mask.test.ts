import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyMask, maskCopy, maskInto, randomMaskKey } from '../../src/protocol/index.js';

/** The RFC's definition, byte by byte: the reference the fast version must match. */
function referenceMask(data: Uint8Array, key: Uint8Array, offset: number): Uint8Array {
  return data.map((byte, i) => byte ^ key[(offset + i) % 4]!);
}

describe('applyMask', () => {
  it('masks the RFC 6455 §5.7 "Hello" example', () => {
    const data = new TextEncoder().encode('Hello');
    applyMask(data, new Uint8Array([0x37, 0xfa, 0x21, 0x3d]));
    expect(Array.from(data)).toEqual([0x7f, 0x9f, 0x4d, 0x51, 0x58]);
  });

  it('matches the byte-wise definition for any length, alignment and mask offset', () => {
    let wordPath = 0;
    fc.assert(
      fc.property(
        // size 'max': fast-check 4 otherwise caps arrays near 10 elements, never reaching the 32-bit word path.
        fc.uint8Array({ minLength: 0, maxLength: 300, size: 'max' }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 11 }),
        (bytes, key, misalign, offset) => {
          // Place the data at an arbitrary byte offset to exercise unaligned heads.
          const backing = new Uint8Array(bytes.length + misalign);
          const data = backing.subarray(misalign);
          data.set(bytes);
          if (bytes.length >= 32) wordPath++;
          applyMask(data, key, offset);
          expect(data).toEqual(referenceMask(bytes, key, offset));
          expect(backing.subarray(0, misalign).every((b) => b === 0)).toBe(true);
        },
      ),
    );
    expect(wordPath).toBeGreaterThan(20);
  });

  it('masks a payload piece by piece exactly like in one go', () => {
    const key = new Uint8Array([1, 2, 3, 4]);
    const whole = new Uint8Array(1000).map((_, i) => i);
    const pieces = whole.slice();
    applyMask(whole, key);
    for (const [from, to] of [[0, 3], [3, 100], [100, 101], [101, 1000]] as const) {
      applyMask(pieces.subarray(from, to), key, from);
    }
    expect(pieces).toEqual(whole);
  });

  it('is its own inverse on a 1 MiB payload', () => {
    const original = crypto.getRandomValues(new Uint8Array(65536)); // getRandomValues' maximum
    const big = new Uint8Array(1 << 20);
    for (let i = 0; i < 16; i++) big.set(original, i * 65536);
    const copy = big.slice();
    const key = new Uint8Array([0x12, 0x34, 0x56, 0x78]);
    applyMask(big.subarray(1), key, 0); // unaligned start
    expect(Buffer.from(big.subarray(1)).equals(Buffer.from(referenceMask(copy.subarray(1), key, 0)))).toBe(true);
    applyMask(big.subarray(1), key, 0);
    expect(Buffer.from(big).equals(Buffer.from(copy))).toBe(true);
  });
});

describe('maskInto', () => {
  it('writes the masked bytes into the target and leaves the source alone', () => {
    let large = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600, size: 'max' }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (source, key, offset) => {
          if (source.length >= 256) large++;
          const before = source.slice();
          const target = new Uint8Array(source.length + 3).subarray(3);
          maskInto(source, target, key, offset);
          expect(source).toEqual(before);
          expect(target).toEqual(referenceMask(source, key, offset));
        },
      ),
    );
    expect(large).toBeGreaterThan(20); // the ≥256-byte path ran
  });
});

describe('maskCopy', () => {
  it('masks into the target at an offset with a key read from another buffer', () => {
    let large = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600, size: 'max' }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 14 }),
        (source, key, at) => {
          if (source.length >= 256) large++;
          const before = source.slice();
          const target = new Uint8Array(at + source.length + 2).fill(0xee);
          const keyHolder = new Uint8Array(10);
          keyHolder.set(key, 3);
          maskCopy(source, target, at, keyHolder, 3);
          expect(source).toEqual(before);
          expect(target.subarray(at, at + source.length)).toEqual(referenceMask(source, key, 0));
          // Bytes around the destination are untouched.
          expect([...target.subarray(0, at), ...target.subarray(at + source.length)].every((b) => b === 0xee)).toBe(true);
        },
      ),
    );
    expect(large).toBeGreaterThan(20); // the ≥256-byte path ran
  });
});

describe('randomMaskKey', () => {
  it('returns 4-byte keys that vary and never change after being handed out', () => {
    const keys = Array.from({ length: 3000 }, () => randomMaskKey()); // crosses several pool refills
    const snapshot = keys.map((k) => Array.from(k));
    expect(keys.every((k) => k.length === 4)).toBe(true);
    for (let i = 0; i < 2000; i++) randomMaskKey();
    expect(keys.map((k) => Array.from(k))).toEqual(snapshot);
    const distinct = new Set(snapshot.map((k) => k.join(',')));
    expect(distinct.size).toBeGreaterThan(2990); // 2^32 keys: collisions are vanishingly rare
  });
});
