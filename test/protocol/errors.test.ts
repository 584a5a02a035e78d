import { describe, expect, it } from 'vitest';
import { ExtensionError, NegotiationError } from '../../src/protocol/index.js';

// RFC 6455 §7.4.1: 1010 is for a client whose required extension the server
// did not negotiate; an extension failing while the connection runs is an
// internal error (1011).
describe('close codes of extension errors', () => {
  it('ExtensionError defaults to 1011; a caller may still choose another code', () => {
    expect(new ExtensionError('zlib failed').closeCode).toBe(1011);
    expect(new ExtensionError('x', { closeCode: 1007 }).closeCode).toBe(1007);
  });

  it('NegotiationError stays 1010 (client) / HTTP 400 (server)', () => {
    const error = new NegotiationError('not offered');
    expect(error.closeCode).toBe(1010);
    expect(error.httpStatus).toBe(400);
  });
});
