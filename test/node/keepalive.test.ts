// Keepalive must judge the peer, not our own application: while our reader is
// slow and the socket is paused, the peer's pong waits unread in TCP, and
// that is no reason to drop it. A peer that really is gone is still dropped.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import type { WebSocketConnection } from '../../src/node/connection/webSocketConnection.js';
import { rawSocket, sleep, startServer, take, upgradeRequest } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

describe('keepalive', () => {
  it('does not drop a healthy peer while our own reader applies backpressure', async () => {
    let serverSide: WebSocketConnection | undefined;
    const server = await startServer((connection) => void (serverSide = connection), {
      compression: null,
      pingInterval: 100,
      pongTimeout: 100,
    });
    cleanup.push(() => server.close());
    const client = connect(server.url, { compression: null, pingInterval: 0 });
    await client.opened;
    const big = new Uint8Array(512 * 1024);
    for (let i = 0; i < 4; i++) void client.send(big).catch(() => undefined);
    await sleep(1_000); // ten keepalive intervals with the server's reader stalled
    expect(serverSide!.readyState).toBe('open');
    // Reading again lets the pongs through, and everything arrives.
    const messages = await take(serverSide!, 4);
    expect(messages.map((m) => (m as Uint8Array).length)).toEqual([big.length, big.length, big.length, big.length]);
    await sleep(400);
    expect(serverSide!.readyState).toBe('open');
    client.close();
    expect((await client.closed).wasClean).toBe(true);
  });

  it('still drops a peer that never answers pings (1006)', async () => {
    let serverSide: WebSocketConnection | undefined;
    const server = await startServer((connection) => void (serverSide = connection), {
      compression: null,
      pingInterval: 100,
      pongTimeout: 100,
      closeTimeout: 200,
    });
    cleanup.push(() => server.close());
    const raw = await rawSocket(server.port);
    cleanup.push(() => raw.socket.destroy());
    raw.socket.write(upgradeRequest());
    await sleep(50);
    const info = await Promise.race([serverSide!.closed, sleep(2_000).then(() => 'pending' as const)]);
    expect(info).toMatchObject({ closeCode: 1006, wasClean: false });
  });
});
