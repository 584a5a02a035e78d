// connect() against servers that misbehave during the handshake: silence
// (handshake timeout), a wrong accept value, an extension we never offered
// (the new connection is failed with 1010). Plus the server-side timeout on a
// slow origin check.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import { computeAccept } from '../../src/node/handshake/key.js';
import { FrameParser } from '../../src/protocol/frameParser.js';
import { HandshakeError, NegotiationError } from '../../src/protocol/errors.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { echo, rawRequest, startServer, upgradeRequest } from './helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A TCP server that hands each raw socket and its request text to `onRequest`. */
async function rawServer(onRequest: (socket: Socket, request: string) => void): Promise<number> {
  const server = createServer((socket) => {
    let text = '';
    socket.on('data', function onData(chunk) {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) {
        socket.off('data', onData);
        onRequest(socket, text);
      }
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const keyOf = (request: string): string => /sec-websocket-key: (\S+)/i.exec(request)![1]!;

it('gives up on a server that never answers (handshake timeout)', async () => {
  const port = await rawServer(() => undefined);
  const started = Date.now();
  const client = connect(`ws://127.0.0.1:${port}`, { handshakeTimeout: 150 });
  const error = await client.opened.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HandshakeError);
  expect((error as Error).message).toMatch(/within 150 ms/);
  expect(Date.now() - started).toBeLessThan(2_000);
  expect((await client.closed).closeCode).toBe(1006);
});

it('refuses a 101 with the wrong Sec-WebSocket-Accept', async () => {
  const port = await rawServer((socket) => {
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${computeAccept('AAAAAAAAAAAAAAAAAAAAAA==')}\r\n\r\n`,
    );
  });
  const client = connect(`ws://127.0.0.1:${port}`, { compression: null });
  await expect(client.opened).rejects.toThrow(/Sec-WebSocket-Accept does not match/);
});

it('fails the new connection with 1010 when the server picks an extension we did not offer', async () => {
  const closeFrames: number[] = [];
  const port = await rawServer((socket, request) => {
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${computeAccept(keyOf(request))}\r\nSec-WebSocket-Extensions: x-never-offered\r\n\r\n`,
    );
    const parser = new FrameParser({ role: 'server' });
    socket.on('data', (chunk) => {
      for (const frame of parser.push(chunk)) {
        if (frame.opcode === Opcode.Close) closeFrames.push((frame.payload[0]! << 8) | frame.payload[1]!);
      }
    });
  });
  const client = connect(`ws://127.0.0.1:${port}`);
  const error = await client.opened.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NegotiationError);
  const info = await client.closed;
  expect(info.closeCode).toBe(1010);
  expect(closeFrames).toEqual([1010]);
});

it('answers 503 when the origin check outlasts the handshake timeout', async () => {
  const server = await startServer(echo, { origin: () => new Promise<boolean>(() => undefined), handshakeTimeout: 100 });
  const answer = await rawRequest(server.port, upgradeRequest({ Origin: 'http://slow.example' }));
  expect(answer).toMatch(/^HTTP\/1.1 503 /);
  await server.close();
});

it('close() during the handshake aborts it: opened rejects, closed reports 1006', async () => {
  const port = await rawServer(() => undefined); // never answers
  const client = connect(`ws://127.0.0.1:${port}`);
  const sent = client.send('queued before open');
  client.close();
  await expect(client.opened).rejects.toMatchObject({ name: 'ConnectionLostError' });
  await expect(sent).rejects.toBeDefined();
  expect(await client.closed).toMatchObject({ closeCode: 1006, wasClean: false });
  expect(client.readyState).toBe('closed');
});
