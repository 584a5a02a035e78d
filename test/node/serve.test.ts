import { describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import { serve } from '../../src/node/serve.js';
import { HandshakeError } from '../../src/protocol/errors.js';
import { computeAccept } from '../../src/node/handshake/key.js';
import { echo, rawRequest, serversClosedAfterEach, startServer, take, upgradeRequest } from './helpers.js';

const server = serversClosedAfterEach();

describe('serve(): refusing bad upgrade requests with proper HTTP answers', () => {
  it.each([
    ['a wrong method', upgradeRequest({}, 'POST / HTTP/1.1'), 405],
    // Without the upgrade tokens Node routes the request as plain HTTP: 426 says where to go.
    ['no Upgrade header', upgradeRequest({ Upgrade: null }), 426],
    ['Connection without upgrade', upgradeRequest({ Connection: 'keep-alive' }), 426],
    ['Upgrade to another protocol', upgradeRequest({ Upgrade: 'h2c' }), 400],
    ['no Host', upgradeRequest({ Host: null }), 400],
    ['a bad key', upgradeRequest({ 'Sec-WebSocket-Key': 'short' }), 400],
    ['an old version', upgradeRequest({ 'Sec-WebSocket-Version': '8' }), 426],
    ['a malformed extensions header', upgradeRequest({ 'Sec-WebSocket-Extensions': 'permessage-deflate; ;;' }), 400],
  ])('answers %s with the right status and stays up', async (_name, request, status) => {
    const s = await server(echo);
    const answer = await rawRequest(s.port, request);
    expect(answer).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    if (status === 426) expect(answer).toMatch(/\r\nSec-WebSocket-Version: 13\r\n/i);
    // The server still accepts a good client afterwards.
    const client = connect(s.url);
    await client.send('still alive');
    expect(await take(client, 1)).toEqual(['still alive']);
    client.close();
    await client.closed;
  });

  it('answers a valid upgrade with the RFC accept value', async () => {
    const s = await server(echo, { compression: null });
    const raw = await import('./helpers.js').then((h) => h.rawSocket(s.port));
    raw.socket.write(upgradeRequest());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const head = raw.received().toString('latin1');
    expect(head).toMatch(/^HTTP\/1.1 101 Switching Protocols\r\n/);
    expect(head).toContain(`Sec-WebSocket-Accept: ${computeAccept('dGhlIHNhbXBsZSBub25jZQ==')}\r\n`);
    expect(head).not.toMatch(/Sec-WebSocket-Extensions/);
    raw.socket.destroy();
  });

  it('refuses an origin the hook rejects with 403, and accepts allowed ones', async () => {
    const s = await server(echo, { origin: (origin) => Promise.resolve(origin === 'https://good.example') });
    const refused = connect(s.url, { origin: 'https://evil.example' });
    await expect(refused.opened).rejects.toMatchObject({ name: 'HandshakeError', httpStatus: 403 });
    expect((await refused.closed).closeCode).toBe(1006);
    const allowed = connect(s.url, { origin: 'https://good.example' });
    await allowed.opened;
    allowed.close();
    await allowed.closed;
  });

  it('serves only the configured path (404 elsewhere)', async () => {
    const s = await server(echo, { path: '/ws' });
    await expect(connect(`${s.url}/other`).opened).rejects.toMatchObject({ httpStatus: 404 });
    const ok = connect(`${s.url}/ws`);
    await ok.opened;
    ok.close();
    await ok.closed;
  });

  it('selects a subprotocol in the client preference order', async () => {
    const s = await server(echo, { protocols: ['v1.chat', 'v2.chat'] });
    const client = connect(s.url, { protocols: ['v2.chat', 'v1.chat'] });
    expect((await client.opened).protocol).toBe('v2.chat');
    expect(client.protocol).toBe('v2.chat');
    client.close();
    await client.closed;
    const none = connect(s.url, { protocols: ['other'] });
    expect((await none.opened).protocol).toBe('');
    none.close();
    await none.closed;
  });

  it('rejects unknown compression values with a clear TypeError', async () => {
    await expect(serve(echo, { compression: 'gzip' as never })).rejects.toThrow(/compression must be 'deflate' or null/);
    expect(() => connect('ws://127.0.0.1:1', { compression: 'brotli' as never })).toThrow(TypeError);
    expect(() => connect('http-no://x')).toThrow(TypeError);
    expect(() => connect('ws://127.0.0.1/#frag')).toThrow(/fragment/);
    expect(() => connect('ws://127.0.0.1:1', { maxSize: -1 })).toThrow(/maxSize must be a positive number/);
    expect(() => connect('ws://127.0.0.1:1', { closeTimeout: Number.NaN })).toThrow(TypeError);
    await expect(serve(echo, { pongTimeout: 0 })).rejects.toThrow(/pongTimeout/);
    await expect(serve('not a function' as never)).rejects.toThrow(/handler must be a function/);
  });

  it('closes the connection with 1011 when the handler throws', async () => {
    const s = await server(() => {
      throw new Error('boom');
    });
    const client = connect(s.url);
    await client.opened;
    expect(await client.closed).toMatchObject({ closeCode: 1011, reason: 'handler failed', wasClean: true });
  });

  it('close() closes every connection with 1001 and empties the set', async () => {
    const s = await startServer(echo);
    const clients = [connect(s.url), connect(s.url), connect(s.url)];
    await Promise.all(clients.map((c) => c.opened));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s.connections.size).toBe(3);
    await s.close();
    for (const client of clients) expect((await client.closed).closeCode).toBe(1001);
    expect(s.connections.size).toBe(0);
    expect(s.server.listening).toBe(false);
  });

  it('reports a refused TCP connection through opened and closed', async () => {
    const s = await startServer(echo);
    const port = s.port;
    await s.close();
    const client = connect(`ws://127.0.0.1:${port}`);
    await expect(client.opened).rejects.toMatchObject({ name: 'ConnectionLostError' });
    expect((await client.closed).closeCode).toBe(1006);
  });

  it('rejects a non-101 answer as HandshakeError with its status', async () => {
    const { createServer } = await import('node:http');
    const plain = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const port = (plain.address() as { port: number }).port;
    const client = connect(`ws://127.0.0.1:${port}`);
    const error = await client.opened.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandshakeError);
    expect((error as HandshakeError).httpStatus).toBe(404);
    plain.close();
  });
});
