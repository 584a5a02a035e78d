// Hostile peers must not make the server buffer without limit: a ping flood
// from a client that never reads, and data sent after our Close to a handler
// that never reads. Memory is judged by what our side holds (socket write
// buffer, messages queued), not by RSS, which is too noisy to fail reliably.
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocketConnection } from '../../src/node/connection/webSocketConnection.js';
import { serializeFrame } from '../../src/protocol/frameSerializer.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { rawSocket, sleep, startServer, upgradeRequest } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

/** Writes `chunk` to `socket` repeatedly for `ms`, honouring its backpressure; returns bytes written. */
async function flood(socket: Socket, chunk: Uint8Array, ms: number): Promise<number> {
  let written = 0;
  const until = Date.now() + ms;
  while (Date.now() < until && !socket.destroyed) {
    written += chunk.length;
    if (!socket.write(chunk)) {
      await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), sleep(until - Date.now())]);
    }
  }
  return written;
}

async function upgradedRaw(port: number) {
  const raw = await rawSocket(port);
  raw.socket.write(upgradeRequest({ 'Sec-WebSocket-Extensions': null }));
  for (let i = 0; i < 100 && !raw.received().includes('\r\n\r\n'); i++) await sleep(10);
  expect(raw.received().toString('latin1')).toMatch(/^HTTP\/1.1 101/);
  cleanup.push(() => raw.socket.destroy());
  return raw;
}

describe('hostile peers cannot grow our buffers', () => {
  it('a ping flood from a client that never reads leaves at most one pong pending', async () => {
    let serverSocket: Socket | undefined;
    const server = await startServer(() => undefined, { compression: null, pingInterval: 0, closeTimeout: 500 });
    cleanup.push(() => server.close());
    server.server.on('upgrade', (_request, socket: Socket) => (serverSocket = socket));
    const raw = await upgradedRaw(server.port);
    raw.socket.pause(); // never read the pongs
    const ping = serializeFrame(createFrame(Opcode.Ping, new Uint8Array(125).fill(1)), { mask: true });
    const batch = Buffer.concat(Array.from({ length: 1000 }, () => ping)); // 131 KB of pings
    const sent = await flood(raw.socket, batch, 1000);
    await sleep(100);
    expect(serverSocket).toBeDefined();
    // Unbounded, every ping would have a pong in the write buffer (~127 bytes each).
    expect(sent).toBeGreaterThan(4 * 1024 * 1024); // the flood really was a flood
    expect(serverSocket!.writableLength).toBeLessThan(512 * 1024);
  });

  it('after our Close, data from a peer that ignores it is dropped once the reader is full', async () => {
    let connection: WebSocketConnection | undefined;
    const server = await startServer((c) => void (connection = c), { compression: null, pingInterval: 0, closeTimeout: 3_000 });
    cleanup.push(() => server.close());
    const raw = await upgradedRaw(server.port);
    raw.socket.resume();
    await sleep(20);
    connection!.close({ closeCode: 1000 }); // the handler never reads
    const message = serializeFrame(createFrame(Opcode.Binary, new Uint8Array(1_000_000)), { mask: true });
    const sent = await flood(raw.socket, message, 1000);
    expect(sent).toBeGreaterThan(10_000_000);
    // One message fits the 256 KiB queue; the rest must not be queued.
    expect(connection!.stats.messagesReceived).toBeLessThanOrEqual(2);
    // The peer's Close still completes the handshake.
    raw.socket.write(serializeFrame(createFrame(Opcode.Close, new Uint8Array([3, 232])), { mask: true }));
    const info = await connection!.closed;
    expect(info.closeCode).toBe(1000);
  });
});
