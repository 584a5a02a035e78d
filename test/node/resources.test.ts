// Backpressure end to end and resource release: a reader that stops reading
// must stop the peer's writes through TCP with bounded memory on both sides,
// and every way a connection can end must release sockets, timers and the
// extensions' zlib state.
import { randomBytes } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connect } from '../../src/node/connect.js';
import type { WebSocketConnection } from '../../src/node/connection/webSocketConnection.js';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../src/deflate/index.js';
import type { ClientExtensionFactory, ExtensionSession, ServerExtensionFactory } from '../../src/protocol/extension.js';
import { serializeFrame } from '../../src/protocol/frameSerializer.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { echo, rawSocket, sleep, startServer, take, trackTimers, upgradeRequest } from './helpers.js';

describe.each([['deflate' as const], [null]])('backpressure (compression %s)', (compression) => {
  it('a reader that stops reading stops the sender, and nothing is lost', async () => {
    let sent = 0;
    let stop = false;
    const chunk = randomBytes(64 * 1024); // incompressible: compression cannot hide the volume
    const server = await startServer(
      async (connection) => {
        while (!stop && connection.readyState === 'open') {
          const data = new Uint8Array(chunk);
          data[0] = sent & 0xff;
          await connection.send(data).catch(() => undefined);
          sent++;
        }
      },
      { compression },
    );
    const client = connect(server.url, { compression, readableHighWaterMark: 256 * 1024 });
    await client.opened;
    // Wait until the sender stops making progress (a loaded machine may need a while) ...
    let stalledAt = -1;
    for (let waited = 0; waited < 10_000 && stalledAt !== sent; waited += 200) {
      stalledAt = sent;
      await sleep(200);
    }
    // ... and check it stays stopped.
    await sleep(300);
    // The server is stuck in send(): socket buffers and our queue are full.
    expect(sent - stalledAt).toBeLessThanOrEqual(1);
    // Bounded: kernel buffers on loopback plus our queues, far below what 700 ms of loopback would carry.
    expect(sent * chunk.length).toBeLessThan(64 * 1024 * 1024);
    const queued = client.stats.messagesReceived;
    expect(queued * chunk.length).toBeLessThanOrEqual(256 * 1024 + 2 * chunk.length);

    // Reading again resumes the flow, in order and intact.
    const messages = await take(client, stalledAt + 50);
    expect(messages.length).toBe(stalledAt + 50);
    messages.forEach((m, i) => expect((m as Uint8Array)[0]).toBe(i & 0xff));
    expect(Buffer.from((messages[3] as Uint8Array).subarray(1)).equals(chunk.subarray(1))).toBe(true);
    stop = true;
    client.close();
    expect((await client.closed).wasClean).toBe(true);
    await server.close();
  });
});

type Tracked = { session: ExtensionSession; closed: boolean };

/** Wraps a factory so every session it creates is recorded with whether close() was called. */
function tracked<F extends ClientExtensionFactory | ServerExtensionFactory>(factory: F, log: Tracked[]): F {
  const wrap = (session: ExtensionSession): ExtensionSession => {
    const entry = { session, closed: false };
    log.push(entry);
    return {
      name: session.name,
      params: session.params,
      rsv: session.rsv,
      outgoing: session.outgoing,
      incoming: session.incoming,
      async close() {
        await session.close();
        entry.closed = true;
      },
    };
  };
  return new Proxy(factory, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key === 'accept') return (...args: unknown[]) => wrap((value as (...a: unknown[]) => ExtensionSession).apply(target, args));
      if (key === 'respond') {
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => { params: unknown; session: ExtensionSession } | null).apply(target, args);
          return result && { params: result.params, session: wrap(result.session) };
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function count(name: string): number {
  return process.getActiveResourcesInfo().filter((r) => r === name).length;
}

describe('closing releases everything', () => {
  it('sessions, timers and sockets are released whichever way connections end', async () => {
    const sessions: Tracked[] = [];
    const timers = trackTimers();
    onTestFinished(() => timers.restore());
    const baseline = { sockets: count('TCPSocketWrap') };
    const server = await startServer(echo, {
      compression: null,
      extensions: [tracked(new ServerPerMessageDeflateFactory(), sessions)],
      maxSize: 4096,
      pingInterval: 1_000,
      closeTimeout: 200,
    });
    const options = { compression: null, extensions: [tracked(new ClientPerMessageDeflateFactory(), sessions)], pingInterval: 1_000 };
    const ended: Promise<unknown>[] = [];
    const open = (): WebSocketConnection => {
      const c = connect(server.url, options);
      ended.push(c.closed);
      return c;
    };

    // 1. clean close from the client
    const a = open();
    await a.send('a');
    await take(a, 1);
    a.close({ closeCode: 1000 });
    // 2. failure: a message over maxSize (1009)
    const b = open();
    await b.send('b'.repeat(5000));
    // 3. a peer whose socket is destroyed mid-message
    const half = await rawSocket(server.port);
    half.socket.write(upgradeRequest({ 'Sec-WebSocket-Extensions': 'permessage-deflate' }));
    await sleep(50);
    half.socket.write(serializeFrame(createFrame(Opcode.Binary, new Uint8Array(500), { fin: false }), { mask: true }));
    await sleep(20);
    half.socket.destroy();
    // 4. a raw client that never answers our close (close timeout on server close)
    const raw = await rawSocket(server.port);
    raw.socket.write(upgradeRequest({ 'Sec-WebSocket-Extensions': 'permessage-deflate' }));
    await sleep(50);
    raw.socket.pause();
    // 5. a client closed by the server with 1001 while it sends
    const d = open();
    await d.opened;
    void d.send('d').catch(() => undefined);

    await server.close();
    const results = (await Promise.all(ended)) as { closeCode: number }[];
    expect(results.map((r) => r.closeCode)).toEqual([1000, 1009, 1001]);
    raw.socket.destroy();
    await sleep(50);

    expect(sessions.length).toBe(8); // clients a, b, d and the server sides of a, b, half, raw, d
    expect(sessions.filter((s) => !s.closed)).toEqual([]);
    expect(timers.live()).toEqual([]); // keepalive, pong, close and handshake timers all cleared
    expect(count('TCPSocketWrap')).toBeLessThanOrEqual(baseline.sockets);
  });
});
