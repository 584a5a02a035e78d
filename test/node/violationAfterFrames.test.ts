// A protocol violation that arrives in the same socket read as valid frames:
// the frames before it are still handled (a Close among them closes the
// connection cleanly), then the connection fails. What a peer sent before
// going wrong must not depend on how TCP split the bytes.
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocketConnection } from '../../src/node/connection/webSocketConnection.js';
import { FrameParser } from '../../src/protocol/frameParser.js';
import { createFrame } from '../../src/protocol/frame.js';
import { serializeFrame } from '../../src/protocol/frameSerializer.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { rawSocket, sleep, startServer, upgradeRequest } from './helpers.js';

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
