// The example extensions negotiated and running over real sockets on
// 127.0.0.1, between wsx's own connect() and serve(): all five at once
// (three RSV bits, two without), and each on its own.
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../src/deflate/index.js';
import { fayeClientFactory, fayeServerFactory, fromPythonStyleClientFactory, fromPythonStyleServerFactory } from '../src/negotiation/index.js';
import { connect, serve, type WebSocketServer, type WebSocketData } from '../src/node/index.js';
import type { ClientExtensionFactory, ServerExtensionFactory } from '../src/protocol/index.js';
import { AesGcmClientFactory, AesGcmServerFactory } from './aes-gcm/index.js';
import { timestampPlugin } from './faye-timestamp/index.js';
import { ClientCrc32Factory, ServerCrc32Factory } from './python-crc32/index.js';
import { TraceClientFactory, TraceServerFactory, type TrafficMetrics } from './trace/index.js';

let server: WebSocketServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An echo server with `extensions`; resolves to its ws:// URL. */
async function echoServer(extensions: ServerExtensionFactory[]): Promise<string> {
  server = await serve(
    async (connection) => {
      for await (const message of connection) await connection.send(message);
    },
    { extensions, compression: null, host: '127.0.0.1', port: 0 },
  );
  const address = server.address() as { port: number };
  return `ws://127.0.0.1:${address.port}/`;
}

/** Sends `messages` one by one and returns the echoes, then closes normally. */
async function echo(url: string, extensions: ClientExtensionFactory[], messages: WebSocketData[]) {
  const connection = connect(url, { extensions, compression: null });
  const opened = await connection.opened;
  const reader = opened.readable.getReader();
  const echoes: WebSocketData[] = [];
  for (const message of messages) {
    await connection.send(message);
    const { value } = await reader.read();
    echoes.push(value!);
  }
  reader.releaseLock();
  connection.close({ closeCode: 1000, reason: 'done' });
  const closed = await connection.closed;
  return { extensions: opened.extensions, echoes, closed };
}

const text = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ id: i, price: 100 + (i % 17), side: i % 2 ? 'buy' : 'sell' })));
const workload: WebSocketData[] = ['hello', new Uint8Array([0, 1, 2, 255]), text, randomBytes(300_000), '', 'ünïcödé ✓'];

describe('example extensions end to end between connect() and serve()', () => {
  it('all five composed: timestamp → deflate → AES-GCM → CRC-32 → trace', async () => {
    const latencies: number[] = [];
    const serverTrace: TrafficMetrics[] = [];
    const clientTrace: TrafficMetrics[] = [];
    const [aesClient, aesServer] = await Promise.all([AesGcmClientFactory.create(), AesGcmServerFactory.create()]);
    const url = await echoServer([
      fayeServerFactory(timestampPlugin({ onLatency: (ms) => latencies.push(ms) })),
      new ServerPerMessageDeflateFactory(),
      aesServer,
      fromPythonStyleServerFactory(new ServerCrc32Factory()),
      new TraceServerFactory({ onSession: (m) => serverTrace.push(m) }),
    ]);
    const result = await echo(
      url,
      [
        fayeClientFactory(timestampPlugin()),
        new ClientPerMessageDeflateFactory(),
        aesClient,
        fromPythonStyleClientFactory(new ClientCrc32Factory()),
        new TraceClientFactory({ onSession: (m) => clientTrace.push(m) }),
      ],
      workload,
    );
    expect(result.extensions.split(/\s*,\s*/).map((e) => e.split(';')[0])).toEqual([
      'x-timestamp',
      'permessage-deflate',
      'x-aes-gcm',
      'x-crc32',
      'x-trace',
    ]);
    expect(result.echoes).toEqual(workload.map((m) => (typeof m === 'string' ? m : new Uint8Array(m))));
    expect(result.closed.closeCode).toBe(1000);
    expect(latencies).toHaveLength(workload.length);
    expect(latencies.every((ms) => ms >= 0 && ms < 10_000)).toBe(true);

    // Both ends traced the same connection, on the wire side of every other extension.
    expect(clientTrace[0]!.traceId).toBe(serverTrace[0]!.traceId);
    const out = clientTrace[0]!.outgoing;
    expect(out.messages).toBe(workload.length);
    expect(serverTrace[0]!.incoming).toEqual(out);
    // The JSON compressed before it was encrypted: the wire carried far less than the application sent.
    const appBytes = workload.reduce((n, m) => n + (typeof m === 'string' ? Buffer.byteLength(m) : m.byteLength), 0);
    expect(out.bytes).toBeLessThan(appBytes - text.length / 2);
    expect(out.rsv1Frames).toBeGreaterThan(0);
  });

  it('each example alone', async () => {
    const [aesClient, aesServer] = await Promise.all([AesGcmClientFactory.create(), AesGcmServerFactory.create()]);
    const pairs: [ClientExtensionFactory, ServerExtensionFactory][] = [
      [aesClient, aesServer],
      [new TraceClientFactory(), new TraceServerFactory()],
      [fayeClientFactory(timestampPlugin()), fayeServerFactory(timestampPlugin())],
      [fromPythonStyleClientFactory(new ClientCrc32Factory()), fromPythonStyleServerFactory(new ServerCrc32Factory())],
    ];
    for (const [clientFactory, serverFactory] of pairs) {
      const url = await echoServer([serverFactory]);
      const result = await echo(url, [clientFactory], workload);
      expect(result.extensions.split(';')[0]).toBe(serverFactory.name);
      expect(result.echoes).toEqual(workload.map((m) => (typeof m === 'string' ? m : new Uint8Array(m))));
      await server!.close();
      server = undefined;
    }
  });

  it('a server without the extension declines it and the connection runs without', async () => {
    const url = await echoServer([new TraceServerFactory()]);
    const result = await echo(url, [await AesGcmClientFactory.create(), new TraceClientFactory()], ['still works']);
    expect(result.extensions.split(';')[0]).toBe('x-trace');
    expect(result.echoes).toEqual(['still works']);
  });
});
