// A protocol violation that arrives in the same socket read as valid frames:
// the frames before it are still handled (a Close among them closes the
// connection cleanly), then the connection fails. What a peer sent before
// going wrong must not depend on how TCP split the bytes.
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocketConnection } from '../../src/node/connection/webSocketConnection.js';
import type { WebSocketData } from '../../src/node/connection/messages.js';
import type { ServerExtensionFactory } from '../../src/protocol/extension.js';
import type { Message } from '../../src/protocol/message.js';
import { FrameParser } from '../../src/protocol/frameParser.js';
import { createFrame } from '../../src/protocol/frame.js';
import { serializeFrame } from '../../src/protocol/frameSerializer.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { rawSocket, sleep, startServer, take, upgradeRequest } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

const masked = (opcode: number, payload: Uint8Array) => serializeFrame(createFrame(opcode as Opcode, payload), { mask: true });
const text = (s: string) => new TextEncoder().encode(s);

/** Sends `wire` in one write after the upgrade; returns the close code the server sent and how the connection ended. */
async function sendOnce(wire: Uint8Array) {
  let connection: WebSocketConnection | undefined;
  const server = await startServer((c) => void (connection = c), { compression: null, pingInterval: 0, closeTimeout: 2_000 });
  cleanup.push(() => server.close());
  const raw = await rawSocket(server.port);
  cleanup.push(() => raw.socket.destroy());
  raw.socket.write(upgradeRequest({ 'Sec-WebSocket-Extensions': null }));
  for (let i = 0; i < 100 && !raw.received().includes('\r\n\r\n'); i++) await sleep(10);
  const headerEnd = raw.received().indexOf('\r\n\r\n') + 4;
  raw.socket.write(wire);
  const info = await connection!.closed;
  await Promise.race([raw.closed, sleep(1_000)]);
  const frames = new FrameParser({ role: 'client' }).push(new Uint8Array(raw.received().subarray(headerEnd)));
  const close = frames.find((f) => f.opcode === Opcode.Close);
  return { sentCode: close ? (close.payload[0]! << 8) | close.payload[1]! : undefined, info };
}

describe('a violation after valid frames in the same read', () => {
  it('a Close before the bad byte wins: the server answers 1000, not 1002', async () => {
    const wire = Buffer.concat([masked(Opcode.Text, text('Hi')), masked(Opcode.Close, new Uint8Array([0x03, 0xe8])), Buffer.from([0x83])]);
    const { sentCode, info } = await sendOnce(wire);
    expect(sentCode).toBe(1000);
    expect(info.closeCode).toBe(1000);
  });

  it('without a Close, the connection still fails with 1002', async () => {
    const wire = Buffer.concat([masked(Opcode.Text, text('Hi')), Buffer.from([0x83])]);
    const { sentCode, info } = await sendOnce(wire);
    expect(sentCode).toBe(1002);
    expect(info.closeCode).toBe(1002);
  });
});

/** An extension whose incoming stage takes 100 ms per message: frames are still in it when the next socket read arrives. */
const slow: ServerExtensionFactory = {
  name: 'x-slow',
  respond: () => ({
    params: [],
    session: {
      name: 'x-slow',
      params: [],
      rsv: {},
      outgoing: { kind: 'message', process: (m: Message) => m },
      incoming: { kind: 'message', process: (m: Message) => sleep(100).then(() => m) },
      close: () => undefined,
    },
  }),
};

it('a frame still inside an async extension stage when the violation is found is delivered first, then 1002', async () => {
  let connection: WebSocketConnection | undefined;
  const server = await startServer((c) => void (connection = c), { compression: null, extensions: [slow], pingInterval: 0 });
  cleanup.push(() => server.close());
  const raw = await rawSocket(server.port);
  cleanup.push(() => raw.socket.destroy());
  raw.socket.write(upgradeRequest({ 'Sec-WebSocket-Extensions': 'x-slow' }));
  for (let i = 0; i < 100 && !raw.received().includes('\r\n\r\n'); i++) await sleep(10);
  expect(raw.received().toString('latin1')).toMatch(/Sec-WebSocket-Extensions: x-slow/i);
  const received = take(connection!, 1).catch((): WebSocketData[] => []);
  raw.socket.write(Buffer.concat([masked(Opcode.Text, text('A')), Buffer.from([0x83])]));
  await sleep(20); // "A" is inside the slow stage now; later bytes are never parsed
  raw.socket.write(masked(Opcode.Text, text('B')));
  expect(await received).toEqual(['A']);
  expect((await connection!.closed).closeCode).toBe(1002);
});
