// `closed` must settle within the close timeout whatever the peer or an
// extension does: an async outgoing stage behind a peer that stopped reading,
// a session whose close() never resolves.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import type { WebSocketConnection } from '../../src/node/connection/webSocketConnection.js';
import type { Frame } from '../../src/protocol/frame.js';
import type { ClientExtensionFactory, ExtensionSession, ServerExtensionFactory } from '../../src/protocol/extension.js';
import { sleep, startServer } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

/** An extension whose frame stages are async (a turn of the event loop each); `close` is the session's close(). */
function asyncExtension(close: () => Promise<void> | void): { server: ServerExtensionFactory; client: ClientExtensionFactory } {
  const stage = { kind: 'frame' as const, process: async (frame: Frame) => (await new Promise((r) => setImmediate(r)), frame) };
  const session = (): ExtensionSession => ({ name: 'x-async', params: [], rsv: {}, outgoing: stage, incoming: stage, close }) as unknown as ExtensionSession;
  return {
    server: { name: 'x-async', respond: () => ({ params: [], session: session() }) } as unknown as ServerExtensionFactory,
    client: { name: 'x-async', offer: () => [[]], accept: () => session() } as unknown as ClientExtensionFactory,
  };
}

/** Settles with what `closed` reported, or 'pending' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);
}

describe('closed is bounded by closeTimeout', () => {
  it('close() with an async outgoing stage and a peer that stopped reading ends with 1006 after the timeout', async () => {
    const extension = asyncExtension(() => undefined);
    let sent = 0;
    let serverSide: WebSocketConnection | undefined;
    const server = await startServer(
      async (connection) => {
        serverSide = connection;
        const chunk = new Uint8Array(64 * 1024);
        try {
          for (;;) await connection.send(chunk), sent++;
        } catch {
          // closing: send() refuses
        }
      },
      { compression: null, extensions: [extension.server], pingInterval: 0, closeTimeout: 300 },
    );
    cleanup.push(() => server.close());
    const client = connect(server.url, { compression: null, extensions: [extension.client], pingInterval: 0, closeTimeout: 300 });
    expect((await client.opened).extensions).toBe('x-async');
    // The client is the one not reading: at the end it gives up its data so it sees the server go.
    cleanup.push(async () => (await (await client.opened).readable.cancel(), await client.closed));
    // The client never reads: wait until the server's sends stall.
    for (let last = -1; last !== sent; ) (last = sent), await sleep(150);
    serverSide!.close({ closeCode: 1000 });
    const info = await within(serverSide!.closed, 3_000);
    expect(info).not.toBe('pending');
    expect(info).toMatchObject({ closeCode: 1006, wasClean: false });
  });

  it('a session whose close() never resolves does not keep closed pending', async () => {
    const extension = asyncExtension(() => new Promise<void>(() => undefined));
    const server = await startServer(() => undefined, { compression: null, extensions: [extension.server], pingInterval: 0, closeTimeout: 300 });
    cleanup.push(() => server.close());
    const client = connect(server.url, { compression: null, extensions: [extension.client], pingInterval: 0, closeTimeout: 300 });
    await client.opened;
    client.close({ closeCode: 1000 });
    const info = await within(client.closed, 3_000);
    expect(info).toMatchObject({ closeCode: 1000, wasClean: true });
  });
});
