// A connection's readable and writable are built from the global stream
// classes at call time; this file runs twice (Node's streams and
// web-streams-polyfill, see vitest.config.ts) to prove the Node driver works
// on both.
import { expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import { echo, sleep, startServer } from './helpers.js';

it('round-trips through the readable/writable pair and honours backpressure', async () => {
  const server = await startServer(echo);
  const client = connect(server.url, { readableHighWaterMark: 1024 });
  const { readable, writable } = await client.opened;
  expect(readable).toBeInstanceOf(globalThis.ReadableStream);
  const writer = writable.getWriter();
  const messages = Array.from({ length: 200 }, (_, i) => (i % 2 ? `text ${i} `.repeat(20) : new Uint8Array(150).fill(i)));
  for (const m of messages) void writer.write(m);
  await sleep(100);
  // Nobody read yet: only about the high-water mark was taken off the socket.
  expect(client.stats.messagesReceived).toBeLessThan(40);
  const reader = readable.getReader();
  const received: unknown[] = [];
  while (received.length < messages.length) received.push((await reader.read()).value);
  expect(received).toEqual(messages);
  reader.releaseLock();
  await writer.close();
  expect(await client.closed).toMatchObject({ closeCode: 1000, wasClean: true });
  await server.close();
});
