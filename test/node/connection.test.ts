import { describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import type { WebSocketConnection } from '../../src/node/connection/webSocketConnection.js';
import { serializeFrame } from '../../src/protocol/frameSerializer.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { encodeClosePayload } from '../../src/protocol/closePayload.js';
import { FrameParser } from '../../src/protocol/frameParser.js';
import { ConnectionLostError, PayloadTooBigError, PolicyViolationError } from '../../src/protocol/errors.js';
import { echo, rawSocket, serversClosedAfterEach, sleep, startServer, take, upgradeRequest } from './helpers.js';

const server = serversClosedAfterEach();

/** Opens a raw, already-upgraded socket to `port` and returns the server's frames as they come. */
async function rawClient(port: number) {
  const raw = await rawSocket(port);
  raw.socket.write(upgradeRequest({ 'Sec-WebSocket-Extensions': null }));
  const parser = new FrameParser({ role: 'client' });
  const frames: ReturnType<FrameParser['push']> = [];
  let head = true;
  raw.socket.on('data', (chunk: Buffer) => {
    if (head) {
      const end = chunk.indexOf('\r\n\r\n');
      head = false;
      chunk = chunk.subarray(end + 4);
    }
    frames.push(...parser.push(chunk));
  });
  await sleep(50);
  const send = (opcode: Opcode, payload: Uint8Array, flags: { fin?: boolean; mask?: boolean } = {}) =>
    raw.socket.write(serializeFrame(createFrame(opcode, payload, { fin: flags.fin ?? true }), { mask: flags.mask ?? true }));
  return { ...raw, frames, send };
}

function closeCodeOf(frames: { opcode: number; payload: Uint8Array }[]): number | undefined {
  const close = frames.find((f) => f.opcode === Opcode.Close);
  return close ? (close.payload[0]! << 8) | close.payload[1]! : undefined;
}

describe('connections between wsx client and server', () => {
  it.each([['deflate' as const], [null]])('round-trips text and binary with compression %s', async (compression) => {
    const s = await server(echo, { compression });
    const client = connect(s.url, { compression });
    const { extensions } = await client.opened;
    expect(extensions.startsWith('permessage-deflate')).toBe(compression === 'deflate');
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    const messages = ['hello', 'ünïcödé ✓', '', new Uint8Array([0, 1, 2, 255]), big, 'x'.repeat(70_000)];
    for (const m of messages) void client.send(m);
    const received = await take(client, messages.length);
    expect(received).toEqual(messages);
    client.close({ closeCode: 1000, reason: 'done' });
    expect(await client.closed).toEqual({ closeCode: 1000, reason: '', wasClean: true });
  });

  it('echoes the peer close code and reason to the application', async () => {
    const s = await server(async (connection) => {
      await connection.opened;
      connection.close({ closeCode: 4321, reason: 'server says bye' });
    });
    const client = connect(s.url);
    expect(await client.closed).toEqual({ closeCode: 4321, reason: 'server says bye', wasClean: true });
  });

  it('validates close codes and reasons before sending', async () => {
    const s = await server(echo);
    const client = connect(s.url);
    await client.opened;
    expect(() => client.close({ closeCode: 1006 })).toThrow();
    expect(() => client.close({ closeCode: 1000, reason: 'x'.repeat(124) })).toThrow();
    expect(client.readyState).toBe('open');
    client.close();
    expect((await client.closed).closeCode).toBe(1005);
  });

  it('fails with 1009 when a message exceeds maxSize, compressed or not', async () => {
    for (const compression of ['deflate', null] as const) {
      const s = await server(echo, { compression, maxSize: 10_000 });
      const client = connect(s.url, { compression });
      await client.send('a'.repeat(10_000)); // at the limit: fine
      expect((await take(client, 1))[0]).toHaveLength(10_000);
      await client.send('a'.repeat(10_001));
      const info = await client.closed;
      expect(info.closeCode).toBe(1009);
    }
  });

  it('answers an unmasked client frame with 1002 and a bad UTF-8 text with 1007', async () => {
    const s = await server(echo, { compression: null });
    const a = await rawClient(s.port);
    a.send(Opcode.Text, Buffer.from('hi'), { mask: false });
    await a.closed;
    expect(closeCodeOf(a.frames)).toBe(1002);

    const b = await rawClient(s.port);
    b.send(Opcode.Text, new Uint8Array([0x68, 0xc3]), { fin: false }); // split é ...
    b.send(Opcode.Continuation, new Uint8Array([0xa9])); // ... completed: valid
    await sleep(50);
    expect(b.frames[0]).toMatchObject({ opcode: Opcode.Text });
    expect(Buffer.from(b.frames[0]!.payload).toString()).toBe('hé');
    b.send(Opcode.Text, new Uint8Array([0xff, 0xfe]));
    await b.closed;
    expect(closeCodeOf(b.frames)).toBe(1007);
  });

  it('answers pings with pongs and echoes a close frame', async () => {
    const s = await server(echo, { compression: null });
    const raw = await rawClient(s.port);
    raw.send(Opcode.Ping, Buffer.from('are you there'));
    raw.send(Opcode.Close, encodeClosePayload(3001, 'bye'));
    await raw.closed;
    expect(raw.frames.map((f) => f.opcode)).toEqual([Opcode.Pong, Opcode.Close]);
    expect(Buffer.from(raw.frames[0]!.payload).toString()).toBe('are you there');
    expect(closeCodeOf(raw.frames)).toBe(3001);
  });

  it('assembles a fragmented message with a ping between its fragments', async () => {
    const s = await server(echo, { compression: null });
    const raw = await rawClient(s.port);
    raw.send(Opcode.Text, Buffer.from('frag'), { fin: false });
    raw.send(Opcode.Ping, Buffer.from('mid'));
    raw.send(Opcode.Continuation, Buffer.from('men'), { fin: false });
    raw.send(Opcode.Continuation, Buffer.from('ted'));
    await sleep(100);
    expect(raw.frames.map((f) => [f.opcode, Buffer.from(f.payload).toString()])).toEqual([
      [Opcode.Pong, 'mid'],
      [Opcode.Text, 'fragmented'],
    ]);
    raw.socket.destroy();
  });

  it('survives garbage after the upgrade: fails it with 1002, 1007 or 1009 and keeps serving', async () => {
    const s = await server(echo);
    for (let seed = 1; seed <= 20; seed++) {
      const raw = await rawClient(s.port);
      const garbage = Buffer.alloc(64 + seed * 13);
      for (let i = 0, x = seed * 2654435761; i < garbage.length; i++) garbage[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
      raw.socket.write(garbage);
      // Zeros after it complete any frame the garbage started (up to maxSize),
      // then parse as unmasked frames: the server must fail the connection.
      raw.socket.write(Buffer.alloc(1024 * 1024 + 64 * 1024));
      await Promise.race([raw.closed, sleep(3_000)]);
      expect([1002, 1007, 1009]).toContain(closeCodeOf(raw.frames));
      raw.socket.destroy();
    }
    const client = connect(s.url);
    await client.send('still serving');
    expect(await take(client, 1)).toEqual(['still serving']);
    client.close();
    await client.closed;
  });

  it('reports an abrupt disconnect mid-message as 1006 on the other side', async () => {
    let serverSide: WebSocketConnection | undefined;
    const s = await server((connection) => {
      serverSide = connection;
    }, { compression: null });
    const raw = await rawClient(s.port);
    raw.send(Opcode.Binary, new Uint8Array(1000), { fin: false }); // half a message ...
    await sleep(20);
    raw.socket.destroy(); // ... then the peer vanishes
    const info = await serverSide!.closed;
    expect(info.closeCode).toBe(1006);
    expect(info.wasClean).toBe(false);
    expect(info.error).toBeInstanceOf(ConnectionLostError);
    const { readable } = await serverSide!.opened;
    await expect(readable.getReader().read()).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('detects a half-open peer through the pong timeout', async () => {
    const s = await server(() => undefined, { compression: null, pingInterval: 50, pongTimeout: 50 });
    const raw = await rawClient(s.port);
    await sleep(20);
    const [serverSide] = [...s.connections];
    raw.socket.pause(); // reads nothing, answers nothing: looks alive to TCP only
    const info = await serverSide!.closed;
    expect(info.closeCode).toBe(1006);
    expect(info.reason).toMatch(/pong/);
    expect(s.connections.size).toBe(0);
    raw.socket.destroy();
  });

  it('keeps a healthy connection alive across many ping intervals', async () => {
    // ~20 pings each way; a side that did not answer would be dropped after 450 ms.
    const s = await server(echo, { pingInterval: 50, pongTimeout: 400 });
    const client = connect(s.url, { pingInterval: 50, pongTimeout: 400 });
    await client.opened;
    await sleep(1_000);
    expect(client.readyState).toBe('open');
    await client.send('still here');
    expect(await take(client, 1)).toEqual(['still here']);
    client.close();
    expect((await client.closed).wasClean).toBe(true);
  });

  it('destroys the socket when the peer never answers our close (close timeout)', async () => {
    const s = await startServer(() => undefined, { compression: null, closeTimeout: 100 });
    const raw = await rawClient(s.port);
    await sleep(20);
    const [serverSide] = [...s.connections];
    raw.socket.pause(); // never reads our Close, never answers it
    const started = Date.now();
    await s.close();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(2_000);
    expect((await serverSide!.closed).closeCode).toBe(1006);
    raw.socket.destroy();
  });

  it('refuses sends after close and rejects unknown data types', async () => {
    const s = await server(echo);
    const client = connect(s.url);
    await client.opened;
    await expect(client.send({} as never)).rejects.toThrow(TypeError);
    client.close();
    await expect(client.send('late')).rejects.toThrow(/closing|closed/);
    await client.closed;
  });

  it('closes the connection when the writable is closed and on readable cancel', async () => {
    const s = await server(echo);
    const a = connect(s.url);
    const { writable } = await a.opened;
    const writer = writable.getWriter();
    await writer.write('via writable');
    await writer.close();
    expect((await a.closed).closeCode).toBe(1000);

    const b = connect(s.url);
    const { readable } = await b.opened;
    await readable.cancel();
    expect((await b.closed).closeCode).toBe(1000);

    // Aborting the writable with a typed error closes with that error's code.
    let serverSide: Promise<{ closeCode: number }> | undefined;
    const s2 = await server((connection) => {
      serverSide = connection.closed;
    });
    const c = connect(s2.url);
    await (await c.opened).writable.abort(new PolicyViolationError('not allowed'));
    expect((await c.closed).closeCode).toBe(1008);
    expect((await serverSide!).closeCode).toBe(1008);
  });

  it('fails a client with PayloadTooBigError when the server sends too much', async () => {
    const s = await server(async (connection) => {
      await connection.send('y'.repeat(5000));
    });
    const client = connect(s.url, { maxSize: 1000 });
    const info = await client.closed;
    expect(info.closeCode).toBe(1009);
    expect(info.error).toBeInstanceOf(PayloadTooBigError);
  });
});

describe('async iteration', () => {
  it('break releases the reader but keeps the connection; a failure is thrown', async () => {
    const s = await startServer(async (connection) => {
      await connection.send('first');
      await connection.send('second');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await connection.send('z'.repeat(3000)); // over the client's maxSize
    });
    const client = connect(s.url, { maxSize: 1000 });
    for await (const message of client) {
      expect(message).toBe('first');
      break;
    }
    expect(client.readyState).toBe('open');
    const seen: unknown[] = [];
    const failure = await (async () => {
      for await (const message of client) seen.push(message);
    })().catch((error: unknown) => error);
    expect(seen).toEqual(['second']);
    expect(failure).toBeInstanceOf(PayloadTooBigError);
    expect((await client.closed).closeCode).toBe(1009);
    await s.close();
  });
});
