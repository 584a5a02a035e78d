/**
 * Loopback echo runs for bench/node.bench.ts. A client sends `count`
 * messages back to back (pipelined) and the run ends when every echo is back.
 * Server and client are the same library (wsx ⇄ wsx, ws ⇄ ws); they run in
 * one process (`echoRun`) or the client in a child (`echoClient.ts`). Setup
 * and teardown are not timed; each run checks it got back what it sent.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { connect } from '../../src/node/connect.js';
import { serve } from '../../src/node/serve.js';

export type EchoImpl = 'wsx' | 'ws';

export interface EchoServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startEchoServer(impl: EchoImpl, compression: boolean): Promise<EchoServer> {
  if (impl === 'wsx') {
    const server = await serve(
      async (connection) => {
        const { readable, writable } = await connection.opened;
        await readable.pipeTo(writable).catch(() => undefined);
      },
      { compression: compression ? 'deflate' : null, maxSize: 1 << 20 },
    );
    return { port: (server.address() as AddressInfo).port, close: () => server.close() };
  }
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: compression, maxPayload: 1 << 20 });
  server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends every message to the echo server on `port`; resolves with ms from first send to last echo. */
export async function runEchoClient(impl: EchoImpl, compression: boolean, port: number, messages: readonly string[]): Promise<number> {
  const url = `ws://127.0.0.1:${port}`;
  let bytes = 0;
  let elapsed: number;
  if (impl === 'wsx') {
    const client = connect(url, { compression: compression ? 'deflate' : null, maxSize: 1 << 20 });
    const { readable } = await client.opened;
    const reader = readable.getReader();
    const started = performance.now();
    for (const message of messages) void client.send(message);
    for (let i = 0; i < messages.length; i++) bytes += ((await reader.read()).value as string).length;
    elapsed = performance.now() - started;
    reader.releaseLock();
    client.close();
    await client.closed;
  } else {
    const client = new WebSocket(url, { perMessageDeflate: compression, maxPayload: 1 << 20 });
    await new Promise((resolve) => client.once('open', resolve));
    let received = 0;
    const done = new Promise<void>((resolve) =>
      client.on('message', (data: Buffer) => {
        bytes += data.toString().length;
        if (++received === messages.length) resolve();
      }),
    );
    const started = performance.now();
    for (const message of messages) client.send(message);
    await done;
    elapsed = performance.now() - started;
    client.close();
    await new Promise((resolve) => client.once('close', resolve));
  }
  const expected = messages.reduce((sum, m) => sum + m.length, 0);
  if (bytes !== expected) throw new Error(`${impl}: echo returned ${bytes} characters, expected ${expected}`);
  return elapsed;
}

/** Server and client in this process. */
export async function echoRun(impl: EchoImpl, compression: boolean, messages: readonly string[]): Promise<number> {
  const server = await startEchoServer(impl, compression);
  try {
    return await runEchoClient(impl, compression, server.port, messages);
  } finally {
    await server.close();
  }
}
