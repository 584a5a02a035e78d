// Custom extensions through connect()/serve(): async per-frame stages, a
// TransformStream stage (the general stream path), order with
// permessage-deflate, and the closing handshake while a message is still
// inside an async stage.
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import type {
  ClientExtensionFactory,
  ExtensionSession,
  ServerExtensionFactory,
  Stage,
} from '../../src/protocol/extension.js';
import type { Frame } from '../../src/protocol/frame.js';
import { echo, sleep, startServer, take } from './helpers.js';

const identity: Stage = { kind: 'frame', process: (frame) => frame };

/** An extension without RSV bits whose stages are given; both sides use the same name. */
function extension(name: string, outgoing: () => Stage, incoming: () => Stage) {
  const session = (): ExtensionSession => ({
    name,
    params: [],
    rsv: {},
    outgoing: outgoing(),
    incoming: incoming(),
    close: () => undefined,
  });
  const client: ClientExtensionFactory = { name, offer: () => [[]], accept: () => session() };
  const server: ServerExtensionFactory = { name, respond: () => ({ params: [], session: session() }) };
  return { client, server };
}

/** XOR every payload byte with a key: undone by the peer's incoming stage. */
const xor = (frame: Frame, key: number): Frame => ({ ...frame, payload: frame.payload.map((b) => b ^ key) });
const xorStage = (key: number): Stage => ({ kind: 'frame', process: (frame: Frame) => xor(frame, key) });

describe('custom extensions over real sockets', () => {
  it('runs async frame stages and TransformStream stages, in negotiated order with deflate', async () => {
    const slow = extension('x-slow-xor', () => ({ kind: 'frame', process: async (f: Frame) => (await sleep(1), xor(f, 0x5a)) }), () => xorStage(0x5a));
    const streamed = extension(
      'x-stream-xor',
      () => ({ kind: 'transform', create: () => new TransformStream<Frame, Frame>({ transform: (f, c) => c.enqueue({ ...f, payload: f.payload.map((b) => b ^ 0x33) }) }) }),
      () => ({ kind: 'transform', create: () => new TransformStream<Frame, Frame>({ transform: (f, c) => c.enqueue({ ...f, payload: f.payload.map((b) => b ^ 0x33) }) }) }),
    );
    const server = await startServer(echo, { extensions: [slow.server, streamed.server] });
    const client = connect(server.url, { extensions: [slow.client, streamed.client] });
    const { extensions } = await client.opened;
    expect(extensions).toBe('x-slow-xor, x-stream-xor, permessage-deflate; server_max_window_bits=12; client_max_window_bits=12');
    const messages = ['one', 'two '.repeat(1000), new Uint8Array([1, 2, 3]), 'four'];
    for (const m of messages) void client.send(m);
    expect(await take(client, messages.length)).toEqual(messages);
    client.close();
    expect((await client.closed).wasClean).toBe(true);
    await server.close();
  });

  it('keeps wire order with a concurrent async stage that finishes out of order', async () => {
    const jitter = extension(
      'x-jitter',
      () => ({ kind: 'frame', concurrency: 8, process: async (f: Frame) => (await sleep((f.payload[0]! * 7) % 13), f) }),
      () => ({ kind: 'frame', concurrency: 8, process: async (f: Frame) => (await sleep((f.payload[0]! * 5) % 11), f) }),
    );
    const server = await startServer(echo, { compression: null, extensions: [jitter.server] });
    const client = connect(server.url, { compression: null, extensions: [jitter.client] });
    const messages = Array.from({ length: 60 }, (_, i) => new Uint8Array([i, i, i]));
    for (const m of messages) void client.send(m);
    expect(await take(client, messages.length)).toEqual(messages);
    client.close();
    await client.closed;
    await server.close();
  });

  it('finishes a message inside an async stage before answering the peer Close', async () => {
    const delayed = extension('x-delay', () => ({ kind: 'frame', process: async (f: Frame) => (await sleep(60), f) }), () => identity);
    const received: unknown[] = [];
    const server = await startServer(
      async (connection) => {
        for await (const message of connection) {
          received.push(message);
          if (message === 'go') connection.close({ closeCode: 4002, reason: 'enough' });
        }
      },
      { compression: null, extensions: [delayed.server] },
    );
    const client = connect(server.url, { compression: null, extensions: [delayed.client] });
    await client.opened;
    void client.send('go'); // reaches the server after ~60 ms; the server closes at once
    await sleep(30);
    void client.send('in flight'); // still in the client's stage when the server's Close arrives
    const info = await client.closed;
    expect(info).toMatchObject({ closeCode: 4002, reason: 'enough', wasClean: true });
    expect(received).toEqual(['go', 'in flight']);
    await server.close();
  });
});
