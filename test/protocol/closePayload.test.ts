import { describe, expect, it } from 'vitest';
import { decodeClosePayload, encodeClosePayload, InvalidDataError, ProtocolError, WebSocketError } from '../../src/protocol/index.js';

/** A local mistake is a plain RangeError/TypeError: never a WebSocketError whose close code would blame the peer. */
function localError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).not.toBeInstanceOf(WebSocketError);
    return error;
  }
  throw new Error('expected a throw');
}

describe('encodeClosePayload', () => {
  it('writes the code big-endian followed by the UTF-8 reason', () => {
    expect(Array.from(encodeClosePayload(1000, 'bye'))).toEqual([0x03, 0xe8, 0x62, 0x79, 0x65]);
    expect(Array.from(encodeClosePayload(4999))).toEqual([0x13, 0x87]);
    expect(encodeClosePayload().length).toBe(0);
  });

  it('accepts a 123-byte reason and refuses 124 bytes (multi-byte characters counted in bytes)', () => {
    expect(encodeClosePayload(1000, 'a'.repeat(123)).length).toBe(125);
    expect(localError(() => encodeClosePayload(1000, 'a'.repeat(124)))).toBeInstanceOf(RangeError);
    expect(encodeClosePayload(1000, '€'.repeat(41)).length).toBe(125); // 41 × 3 bytes = 123
    expect(localError(() => encodeClosePayload(1000, '€'.repeat(41) + 'a'))).toBeInstanceOf(RangeError);
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 1000.5])('refuses to send code %s', (code) => {
    expect(localError(() => encodeClosePayload(code))).toBeInstanceOf(RangeError);
  });

  it('refuses a reason without a code', () => {
    expect(localError(() => encodeClosePayload(undefined, 'why'))).toBeInstanceOf(TypeError);
  });
});

describe('close reasons keep a leading U+FEFF', () => {
  it('decodes exactly the reason that was encoded', () => {
    expect(decodeClosePayload(encodeClosePayload(1000, '\uFEFFbye'))).toEqual({ code: 1000, reason: '\uFEFFbye' });
  });
});

describe('decodeClosePayload', () => {
  it('reads an empty payload as "no status" 1005', () => {
    expect(decodeClosePayload(new Uint8Array(0))).toEqual({ code: 1005, reason: '' });
  });

  it.each([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999])(
    'round-trips code %s with a reason',
    (code) => {
      expect(decodeClosePayload(encodeClosePayload(code, 'résumé'))).toEqual({ code, reason: 'résumé' });
    },
  );

  it.each([
    ['a 1-byte payload', [0x03], 1002],
    ['code 999', [0x03, 0xe7], 1002],
    ['code 1004', [0x03, 0xec], 1002],
    ['code 1005', [0x03, 0xed], 1002],
    ['code 1006', [0x03, 0xee], 1002],
    ['code 1015', [0x03, 0xf7], 1002],
    ['code 1016', [0x03, 0xf8], 1002],
    ['code 2000', [0x07, 0xd0], 1002],
    ['code 5000', [0x13, 0x88], 1002],
    ['a reason that is not UTF-8', [0x03, 0xe8, 0xce, 0xba, 0xe1, 0xbd], 1007],
  ] as const)('rejects %s with close code %s', (_name, payload, closeCode) => {
    const error = (() => {
      try {
        decodeClosePayload(new Uint8Array(payload));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(closeCode === 1007 ? InvalidDataError : ProtocolError);
    expect((error as ProtocolError).closeCode).toBe(closeCode);
  });
});
