// `ws` (8.x), the most used Node WebSocket library, as a real peer on both
// sides, with permessage-deflate on and off on each side independently.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { connect } from '../../src/node/connect.js';
import { echo, startServer, take } from './helpers.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

const payloads = (): (string | Uint8Array)[] => [
  'hello from the other side',
  JSON.stringify({ type: 'tick', symbol: 'ACME', price: 101.25, ts: 1 }).repeat(20),
  new Uint8Array(100_000).map((_, i) => i % 251),
  '',
  'ü'.repeat(40_000),
];

describe.each([
  { ours: 'deflate' as const, theirs: true, agreed: true },
  { ours: 'deflate' as const, theirs: false, agreed: false },
  { ours: null, theirs: true, agreed: false },
  { ours: null, theirs: false, agreed: false },
])('ws interop, wsx compression $ours / ws perMessageDeflate $theirs', ({ ours, theirs, agreed }) => {
  it('ws client ⇄ wsx serve()', async () => {
    const server = await startServer(echo, { compression: ours });
    cleanup.push(() => server.close());
    const client = new WebSocket(server.url, { perMessageDeflate: theirs });
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    expect(client.extensions.includes('permessage-deflate')).toBe(agreed);
    const received: (string | Uint8Array)[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('message', (data: Buffer, isBinary: boolean) => {
        received.push(isBinary ? new Uint8Array(data) : data.toString('utf8'));
        if (received.length === payloads().length) resolve();
      }),
    );
    for (const p of payloads()) client.send(p, { binary: typeof p !== 'string' });
    await all;
    expect(received).toEqual(payloads());
    const closed = new Promise<[number, string]>((resolve) => client.once('close', (code, reason) => resolve([code, reason.toString()])));
    client.close(4000, 'ws says bye');
    expect(await closed).toEqual([4000, '']);
  });

  it('wsx connect() ⇄ ws server', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: theirs });
    await new Promise((resolve) => wss.once('listening', resolve));
    cleanup.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    wss.on('connection', (socket) => {
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
    const client = connect(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { compression: ours });
    const { extensions } = await client.opened;
    expect(extensions.includes('permessage-deflate')).toBe(agreed);
    for (const p of payloads()) void client.send(p);
    expect(await take(client, payloads().length)).toEqual(payloads());
    client.close({ closeCode: 1000, reason: 'done' });
    expect(await client.closed).toMatchObject({ closeCode: 1000, wasClean: true });
  });
});

describe('ws interop, negotiated parameters', () => {
  it('accepts ws offering client_no_context_takeover and a small window', async () => {
    let agreed = '';
    const server = await startServer(async (connection, request) => {
      agreed = connection.extensions;
      await echo(connection, request);
    });
    cleanup.push(() => server.close());
    const client = new WebSocket(server.url, {
      perMessageDeflate: { clientNoContextTakeover: true, serverNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 9 },
    });
    await new Promise((resolve) => client.once('open', resolve));
    expect(client.extensions).toBe('permessage-deflate'); // ws lists names only
    // RFC 7692 §7.1.1.1: an accepted server_no_context_takeover must be in the response.
    expect(agreed).toMatch(/^permessage-deflate/);
    expect(agreed).toMatch(/server_no_context_takeover/);
    expect(agreed).toMatch(/server_max_window_bits=(9|10)/);
    const messages = Array.from({ length: 20 }, (_, i) => `message ${i} `.repeat(50));
    const received: string[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('message', (data: Buffer) => {
        received.push(data.toString());
        if (received.length === messages.length) resolve();
      }),
    );
    for (const m of messages) client.send(m);
    await all;
    expect(received).toEqual(messages);
    client.close();
  });
});
