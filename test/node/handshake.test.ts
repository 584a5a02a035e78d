import { describe, expect, it } from 'vitest';
import { HandshakeError } from '../../src/protocol/errors.js';
import { computeAccept, generateKey, isValidKey } from '../../src/node/handshake/key.js';
import {
  httpErrorResponse,
  selectSubprotocol,
  switchingProtocolsResponse,
  validateUpgradeRequest,
  type UpgradeRequestLike,
} from '../../src/node/handshake/serverHandshake.js';
import { upgradeRequestHeaders, validateUpgradeResponse } from '../../src/node/handshake/clientHandshake.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

function request(headers: Record<string, string>, extra: Partial<UpgradeRequestLike> = {}): UpgradeRequestLike {
  return {
    method: 'GET',
    httpVersion: '1.1',
    headers: {
      host: 'example.com',
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-version': '13',
      'sec-websocket-key': KEY,
      ...headers,
    },
    ...extra,
  };
}

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HandshakeError);
    return (error as HandshakeError).httpStatus;
  }
  throw new Error('expected a HandshakeError');
}

describe('key and accept (RFC 6455 §4.2.2)', () => {
  it('computes the RFC example accept value', () => {
    expect(computeAccept(KEY)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
  it('generates distinct valid 16-byte keys', () => {
    const keys = new Set(Array.from({ length: 50 }, generateKey));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(isValidKey(key)).toBe(true);
      expect(Buffer.from(key, 'base64')).toHaveLength(16);
    }
  });
  it('rejects keys that are not base64 of 16 bytes', () => {
    expect(isValidKey(Buffer.alloc(15).toString('base64'))).toBe(false);
    expect(isValidKey(Buffer.alloc(17).toString('base64'))).toBe(false);
    expect(isValidKey('dGhlIHNhbXBsZSBub25jZR==')).toBe(false); // non-zero padding bits
    expect(isValidKey('not a key at all!!!!!==')).toBe(false);
  });
});

describe('server request validation', () => {
  it('accepts a valid request with token lists in any case', () => {
    const ok = validateUpgradeRequest(
      request({
        upgrade: 'WebSocket',
        connection: 'keep-alive, UPGRADE',
        'sec-websocket-protocol': 'chat, superchat',
        'sec-websocket-extensions': 'permessage-deflate',
        origin: 'http://a.example',
      }),
    );
    expect(ok).toEqual({
      key: KEY,
      protocols: ['chat', 'superchat'],
      extensions: 'permessage-deflate',
      origin: 'http://a.example',
    });
  });
  it('answers each defect with the right HTTP status', () => {
    expect(statusOf(() => validateUpgradeRequest(request({}, { method: 'POST' })))).toBe(405);
    expect(statusOf(() => validateUpgradeRequest(request({}, { httpVersion: '1.0' })))).toBe(400);
    expect(statusOf(() => validateUpgradeRequest(request({ host: '' })))).toBe(400);
    expect(statusOf(() => validateUpgradeRequest(request({ upgrade: 'h2c' })))).toBe(400);
    expect(statusOf(() => validateUpgradeRequest(request({ connection: 'keep-alive' })))).toBe(400);
    expect(statusOf(() => validateUpgradeRequest(request({ 'sec-websocket-version': '8' })))).toBe(426);
    expect(statusOf(() => validateUpgradeRequest(request({ 'sec-websocket-key': 'abc' })))).toBe(400);
    expect(statusOf(() => validateUpgradeRequest(request({ 'sec-websocket-protocol': 'a b' })))).toBe(400);
    expect(statusOf(() => validateUpgradeRequest(request({ 'sec-websocket-protocol': 'a, a' })))).toBe(400);
  });
  it('does not accept "websocket" as a substring of another token', () => {
    expect(statusOf(() => validateUpgradeRequest(request({ upgrade: 'websocketx' })))).toBe(400);
    expect(statusOf(() => validateUpgradeRequest(request({ connection: 'upgraded' })))).toBe(400);
  });
});

describe('subprotocol selection', () => {
  it('takes the client preference among supported ones', () => {
    expect(selectSubprotocol(['b', 'a'], ['a', 'b'])).toBe('b');
    expect(selectSubprotocol(['x'], ['a'])).toBe('');
    expect(selectSubprotocol([], ['a'])).toBe('');
    expect(selectSubprotocol(['a'], undefined)).toBe('');
  });
  it('lets a function choose but only among the offered', () => {
    expect(selectSubprotocol(['a', 'b'], (offered) => offered[1])).toBe('b');
    expect(selectSubprotocol(['a'], () => null)).toBe('');
    expect(() => selectSubprotocol(['a'], () => 'z')).toThrow(/did not offer/);
  });
});

describe('responses', () => {
  it('builds the 101 with accept, protocol and extensions', () => {
    const text = switchingProtocolsResponse(KEY, 'chat', 'permessage-deflate');
    expect(text.startsWith('HTTP/1.1 101 Switching Protocols\r\n')).toBe(true);
    expect(text).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
    expect(text).toContain('Sec-WebSocket-Protocol: chat\r\n');
    expect(text).toContain('Sec-WebSocket-Extensions: permessage-deflate\r\n');
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    expect(switchingProtocolsResponse(KEY, '', null)).not.toMatch(/Sec-WebSocket-(Protocol|Extensions)/);
  });
  it('builds error responses with a correct length and the 426 version hint', () => {
    const text = httpErrorResponse(426, 'unsupported version\r\nInjected: yes');
    const [head, body] = text.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1.1 426 Upgrade Required/);
    expect(head).toContain('Sec-WebSocket-Version: 13');
    expect(head).not.toContain('Injected');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body!)}`);
  });
});

describe('client side', () => {
  const good = {
    statusCode: 101,
    headers: { upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-accept': computeAccept(KEY) },
  };
  it('builds request headers', () => {
    const headers = upgradeRequestHeaders({ key: KEY, protocols: ['a', 'b'], extensions: 'permessage-deflate', origin: 'http://o' });
    expect(headers).toMatchObject({
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': KEY,
      'Sec-WebSocket-Protocol': 'a, b',
      'Sec-WebSocket-Extensions': 'permessage-deflate',
      Origin: 'http://o',
    });
    expect(() => upgradeRequestHeaders({ key: KEY, protocols: ['a b'], extensions: null })).toThrow(TypeError);
    const extra = upgradeRequestHeaders({
      key: KEY,
      protocols: [],
      extensions: null,
      headers: { 'sec-websocket-key': 'forged', Authorization: 'Bearer t', UPGRADE: 'h2c' },
    });
    expect(extra).toEqual({
      Authorization: 'Bearer t',
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': KEY,
    });
  });
  it('accepts a correct response', () => {
    expect(validateUpgradeResponse(good, KEY, [])).toEqual({ protocol: '', extensions: null });
    const withProtocol = { ...good, headers: { ...good.headers, 'sec-websocket-protocol': 'b' } };
    expect(validateUpgradeResponse(withProtocol, KEY, ['a', 'b']).protocol).toBe('b');
  });
  it('rejects a wrong status, accept, tokens or an unoffered subprotocol', () => {
    expect(statusOf(() => validateUpgradeResponse({ ...good, statusCode: 403 }, KEY, []))).toBe(403);
    const bad = (h: Record<string, string>) => ({ ...good, headers: { ...good.headers, ...h } });
    expect(() => validateUpgradeResponse(bad({ 'sec-websocket-accept': computeAccept(generateKey()) }), KEY, [])).toThrow(HandshakeError);
    expect(() => validateUpgradeResponse(bad({ upgrade: 'h2c' }), KEY, [])).toThrow(HandshakeError);
    expect(() => validateUpgradeResponse(bad({ connection: 'close' }), KEY, [])).toThrow(HandshakeError);
    expect(() => validateUpgradeResponse(bad({ 'sec-websocket-protocol': 'c' }), KEY, ['a'])).toThrow(/did not offer/);
  });
});
