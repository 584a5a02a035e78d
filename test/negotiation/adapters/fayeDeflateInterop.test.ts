// wsx's own permessage-deflate registered into faye's websocket-extensions
// container (toFayePlugin), talking to faye's real permessage-deflate plugin
// in another container — both directions, several messages so the shared
// compression context is exercised.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { FayeMessage } from '../../../src/negotiation/adapters/fayeModel.js';
import { toFayePlugin } from '../../../src/negotiation/adapters/toFayePlugin.js';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../../src/deflate/index.js';

const require = createRequire(import.meta.url);
type Callback = (error: Error | null, message: FayeMessage) => void;
interface FayeExtensions {
  add(plugin: unknown): void;
  generateOffer(): string | null;
  generateResponse(header: string): string | null;
  activate(header: string): void;
  processIncomingMessage(message: FayeMessage, callback: Callback): void;
  processOutgoingMessage(message: FayeMessage, callback: Callback): void;
  close(callback: () => void): void;
}
const Extensions = require('websocket-extensions') as new () => FayeExtensions;
const fayeDeflate = require('permessage-deflate') as unknown;

const wsxDeflate = () =>
  toFayePlugin(new ClientPerMessageDeflateFactory(), new ServerPerMessageDeflateFactory({ threshold: 0 }), {
    rsv: { rsv1: true },
  });
const through = (exts: FayeExtensions, direction: 'in' | 'out', data: Buffer | FayeMessage) =>
  new Promise<FayeMessage>((resolve, reject) => {
    const message = Buffer.isBuffer(data) ? { rsv1: false, rsv2: false, rsv3: false, opcode: 2, data } : data;
    (direction === 'in' ? exts.processIncomingMessage : exts.processOutgoingMessage).call(exts, message, (error, out) =>
      error ? reject(error) : resolve(out),
    );
  });

const payloads = [
  Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(30)),
  Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(30)),
  Buffer.alloc(70_000, 'z'),
  Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131) & 0xff)),
];

async function exchange(client: FayeExtensions, server: FayeExtensions) {
  client.activate(server.generateResponse(client.generateOffer()!)!);
  const sizes: number[] = [];
  for (const data of payloads) {
    const up = await through(client, 'out', data);
    sizes.push(up.data.length);
    expect(Buffer.from((await through(server, 'in', up)).data)).toEqual(data);
    const down = await through(server, 'out', Buffer.from(data));
    expect(Buffer.from((await through(client, 'in', down)).data)).toEqual(data);
  }
  await Promise.all([new Promise<void>((r) => client.close(r)), new Promise<void>((r) => server.close(r))]);
  return sizes;
}

describe("wsx permessage-deflate inside faye containers vs faye's permessage-deflate", () => {
  it('faye client ↔ wsx server', async () => {
    const client = new Extensions();
    client.add(fayeDeflate);
    const server = new Extensions();
    server.add(wsxDeflate());
    const sizes = await exchange(client, server);
    expect(sizes[1]!).toBeLessThan(sizes[0]!); // context takeover on the client's side
  });

  it('wsx client ↔ faye server', async () => {
    const client = new Extensions();
    client.add(wsxDeflate());
    const server = new Extensions();
    server.add(fayeDeflate);
    const sizes = await exchange(client, server);
    expect(sizes[2]!).toBeLessThan(1000); // 70 kB of one byte compresses to almost nothing
  });
});
