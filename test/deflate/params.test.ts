// Strict parameter syntax (RFC 7692 §7.1): every violation is a typed error naming the parameter.
import { describe, expect, it } from 'vitest';
import { formatDeflateParams, parseDeflateParams, type DeflateParams } from '../../src/deflate/params.js';
import {
  DuplicateParameter,
  InvalidParameterName,
  InvalidParameterValue,
  NegotiationError,
} from '../../src/protocol/errors.js';
import type { ExtensionParams } from '../../src/protocol/extension.js';

function failure(params: ExtensionParams, kind: 'offer' | 'response' = 'offer'): Error & { parameter?: string } {
  try {
    parseDeflateParams(params, kind);
  } catch (error) {
    return error as Error & { parameter?: string };
  }
  throw new Error('expected a failure');
}

describe('parseDeflateParams', () => {
  it('parses every parameter', () => {
    expect(
      parseDeflateParams(
        [
          ['server_no_context_takeover', true],
          ['client_no_context_takeover', true],
          ['server_max_window_bits', '10'],
          ['client_max_window_bits', '9'],
        ],
        'response',
      ),
    ).toEqual({ serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 9 });
    expect(parseDeflateParams([], 'offer')).toEqual({
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: undefined,
      clientMaxWindowBits: undefined,
    });
  });

  it('accepts exactly 8 to 15 for both window parameters', () => {
    for (let bits = 0; bits <= 20; bits++) {
      for (const name of ['server_max_window_bits', 'client_max_window_bits']) {
        if (bits >= 8 && bits <= 15) {
          const parsed = parseDeflateParams([[name, String(bits)]], 'response');
          expect(name.startsWith('server') ? parsed.serverMaxWindowBits : parsed.clientMaxWindowBits).toBe(bits);
        } else {
          const error = failure([[name, String(bits)]]);
          expect(error).toBeInstanceOf(InvalidParameterValue);
          expect(error.parameter).toBe(name);
        }
      }
    }
  });

  it.each(['08', '010', '', ' 9', '9 ', '+9', '9.0', '1e1', 'ten', '0x9', '١٠'])('rejects window value %j', (value) => {
    const error = failure([['server_max_window_bits', value]]);
    expect(error).toBeInstanceOf(InvalidParameterValue);
    expect(error.parameter).toBe('server_max_window_bits');
    expect(error.message).toContain('server_max_window_bits');
  });

  it('allows a bare client_max_window_bits in an offer only', () => {
    expect(parseDeflateParams([['client_max_window_bits', true]], 'offer').clientMaxWindowBits).toBe(true);
    const error = failure([['client_max_window_bits', true]], 'response');
    expect(error).toBeInstanceOf(InvalidParameterValue);
    expect(error.parameter).toBe('client_max_window_bits');
  });

  it('requires a value for server_max_window_bits', () => {
    expect(failure([['server_max_window_bits', true]])).toBeInstanceOf(InvalidParameterValue);
  });

  it.each(['server_no_context_takeover', 'client_no_context_takeover'])('refuses a value on %s', (name) => {
    for (const value of ['', 'true', '1']) {
      const error = failure([[name, value]]);
      expect(error).toBeInstanceOf(InvalidParameterValue);
      expect(error.parameter).toBe(name);
    }
  });

  it.each(['server_no_context_takeover', 'client_no_context_takeover', 'server_max_window_bits', 'client_max_window_bits'])(
    'rejects %s twice',
    (name) => {
      const value: string | true = name.endsWith('bits') ? '10' : true;
      const error = failure([
        [name, value],
        [name, value],
      ]);
      expect(error).toBeInstanceOf(DuplicateParameter);
      expect(error.parameter).toBe(name);
    },
  );

  it.each(['x', 'Server_No_Context_Takeover', 'max_window_bits', 'client_max_window_bit'])('rejects unknown parameter %j', (name) => {
    const error = failure([[name, true]]);
    expect(error).toBeInstanceOf(InvalidParameterName);
    expect(error.parameter).toBe(name);
  });

  it('reports every error as a NegotiationError (1010, HTTP 400)', () => {
    const error = failure([['bogus', true]]) as NegotiationError;
    expect(error).toBeInstanceOf(NegotiationError);
    expect(error.closeCode).toBe(1010);
    expect(error.httpStatus).toBe(400);
  });
});

describe('formatDeflateParams', () => {
  it('round-trips through parseDeflateParams for every combination', () => {
    const windows = [undefined, 8, 9, 10, 11, 12, 13, 14, 15] as const;
    for (const serverNoContextTakeover of [false, true]) {
      for (const clientNoContextTakeover of [false, true]) {
        for (const serverMaxWindowBits of windows) {
          for (const clientMaxWindowBits of [...windows, true] as const) {
            const params: DeflateParams = { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits };
            expect(parseDeflateParams(formatDeflateParams(params), 'offer')).toEqual(params);
          }
        }
      }
    }
  });

  it('writes values as decimal strings in RFC order', () => {
    expect(
      formatDeflateParams({ serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: 9, clientMaxWindowBits: true }),
    ).toEqual([
      ['server_no_context_takeover', true],
      ['server_max_window_bits', '9'],
      ['client_max_window_bits', true],
    ]);
  });
});
