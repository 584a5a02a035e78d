/**
 * One loopback echo run for bench/node.bench.ts: a server and a client in
 * this process, the client sends `count` messages back to back (pipelined)
 * and the run ends when every echo is back. Setup and teardown are not timed;
 * each run checks it got back exactly what it sent.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { connect } from '../../src/node/connect.js';
import { serve } from '../../src/node/serve.js';

export type EchoImpl = 'wsx' | 'ws';

/** Resolves with the milliseconds from the first send to the last echo. */
export async function echoRun(impl: EchoImpl, compression: boolean, messages: readonly string[]): Promise<number> {
  return impl === 'wsx' ? wsxRun(compression, messages) : wsRun(compression, messages);
}

async function wsxRun(compression: boolean, messages: readonly string[]): Promise<number> {
  const mode = compression ? 'deflate' : null;
  const server = await serve(
    async (connection) => {
      const { readable, writable } = await connection.opened;
      await readable.pipeTo(writable).catch(() => undefined);
    },
    { compression: mode, maxSize: 1 << 20 },
  );
  const client = connect(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { compression: mode });
  const { readable } = await client.opened;
  const reader = readable.getReader();
  const started = performance.now();
  for (const message of messages) void client.send(message);
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    const { value } = await reader.read();
    bytes += (value as string).length;
  }
  const elapsed = performance.now() - started;
  check(bytes, messages);
  reader.releaseLock();
  client.close();
  await client.closed;
  await server.close();
  return elapsed;
}

async function wsRun(compression: boolean, messages: readonly string[]): Promise<number> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: compression, maxPayload: 1 << 20 });
  server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  await new Promise((resolve) => server.once('listening', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate: compression });
  await new Promise((resolve) => client.once('open', resolve));
  let received = 0;
  let bytes = 0;
  const done = new Promise<void>((resolve) =>
    client.on('message', (data: Buffer) => {
      bytes += data.toString().length;
      if (++received === messages.length) resolve();
    }),
  );
  const started = performance.now();
  for (const message of messages) client.send(message);
  await done;
  const elapsed = performance.now() - started;
  check(bytes, messages);
  client.close();
  await new Promise((resolve) => client.once('close', resolve));
  await new Promise((resolve) => server.close(resolve));
  return elapsed;
}

function check(bytes: number, messages: readonly string[]): void {
  const expected = messages.reduce((sum, m) => sum + m.length, 0);
  if (bytes !== expected) throw new Error(`echo returned ${bytes} characters, expected ${expected}`);
}
