import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBase64url, encodeBase64url } from './base64url.js';

describe('strict base64url', () => {
  it('agrees with Node’s encoder and round-trips (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(decodeBase64url(text)).toEqual(bytes);
      }),
    );
  });

  it('refuses anything that is not the one canonical spelling', () => {
    expect(decodeBase64url('AA==')).toBeUndefined(); // padding
    expect(decodeBase64url('AB')).toBeUndefined(); // leftover bits set: 'AA' is the spelling of <00>
    expect(decodeBase64url('A')).toBeUndefined(); // impossible length
    expect(decodeBase64url('A+/A')).toBeUndefined(); // base64, not base64url
    expect(decodeBase64url('AA')).toEqual(Uint8Array.of(0));
    expect(decodeBase64url('')).toEqual(new Uint8Array(0));
  });
});
