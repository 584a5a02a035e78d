import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isValidUtf8, isValidUtf8Portable, Utf8Validator } from '../../src/protocol/index.js';

const bytes = (...values: number[]) => new Uint8Array(values);

const invalid: [string, Uint8Array][] = [
  ['lone continuation byte', bytes(0x80)],
  ['overlong 2-byte NUL', bytes(0xc0, 0x80)],
  ['overlong 3-byte', bytes(0xe0, 0x80, 0xaf)],
  ['overlong 4-byte', bytes(0xf0, 0x80, 0x80, 0xaf)],
  ['UTF-16 surrogate U+D800', bytes(0xed, 0xa0, 0x80)],
  ['above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80)],
  ['0xFE', bytes(0xfe)],
  ['0xFF', bytes(0x41, 0xff)],
  ['truncated 3-byte sequence', bytes(0xe2, 0x82)],
  ['lead byte followed by ASCII', bytes(0xc3, 0x41)],
  ['Autobahn 6.4.1 (invalid after valid prefix)', bytes(0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xf4, 0x90, 0x80, 0x80)],
];

const valid: [string, Uint8Array][] = [
  ['empty', bytes()],
  ['ASCII', new TextEncoder().encode('Hello')],
  ['2/3/4-byte characters', new TextEncoder().encode('é€😀')],
  ['U+10FFFF', bytes(0xf4, 0x8f, 0xbf, 0xbf)],
  ['U+FEFF byte order mark', bytes(0xef, 0xbb, 0xbf)],
];

describe('isValidUtf8', () => {
  for (const [name, input] of invalid) it(`rejects ${name}`, () => expect(isValidUtf8(input)).toBe(false));
  for (const [name, input] of valid) it(`accepts ${name}`, () => expect(isValidUtf8(input)).toBe(true));

  it('agrees with the portable TextDecoder validator used outside Node', () => {
    for (const [, input] of [...invalid, ...valid]) expect(isValidUtf8Portable(input)).toBe(isValidUtf8(input));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), (input) => {
        expect(isValidUtf8Portable(input)).toBe(isValidUtf8(input));
      }),
      { numRuns: 3000 },
    );
  });
});

/** Feeds `input` cut at `cuts`; returns whether every push said valid. */
function validateInPieces(input: Uint8Array, cuts: number[]): boolean {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  const validator = new Utf8Validator();
  let from = 0;
  let ok = true;
  for (const to of [...points, input.length]) {
    ok = validator.push(input.subarray(from, Math.max(from, to)), false) && ok;
    from = Math.max(from, to);
  }
  return validator.push(new Uint8Array(0), true) && ok;
}

describe('Utf8Validator', () => {
  it('agrees with whole-buffer validation for any bytes cut anywhere', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(), { maxLength: 8 }), (input, cuts) => {
        expect(validateInPieces(input, cuts)).toBe(isValidUtf8(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts any valid text cut anywhere, including inside characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        expect(validateInPieces(new TextEncoder().encode(text), cuts)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees on mostly-valid text with one corrupted byte', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (text, at, value, cuts) => {
          const input = new TextEncoder().encode(text);
          input[at % input.length] = value;
          expect(validateInPieces(input, cuts)).toBe(isValidUtf8(input));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('fails fast: an impossible prefix is rejected before the text ends', () => {
    for (const prefix of [bytes(0xff), bytes(0x41, 0xc0), bytes(0xe0, 0x80), bytes(0xed, 0xa0), bytes(0xf4, 0x90), bytes(0xf0, 0x8f)]) {
      expect(new Utf8Validator().push(prefix, false)).toBe(false);
    }
  });

  it('waits for the rest of a split character instead of failing', () => {
    const validator = new Utf8Validator();
    expect(validator.push(bytes(0xf0), false)).toBe(true);
    expect(validator.push(bytes(0x9f), false)).toBe(true);
    expect(validator.push(bytes(0x98), false)).toBe(true);
    expect(validator.push(bytes(0x80, 0x41), true)).toBe(true);
  });

  it('rejects a character still unfinished at the end, and stays failed', () => {
    const validator = new Utf8Validator();
    expect(validator.push(bytes(0x41, 0xe2, 0x82), true)).toBe(false);
    expect(validator.push(bytes(0x41), true)).toBe(false);
    validator.reset();
    expect(validator.push(bytes(0x41), true)).toBe(true);
  });
});
