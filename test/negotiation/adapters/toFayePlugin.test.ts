import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { FayeMessage } from '../../../src/negotiation/adapters/fayeModel.js';
import { toFayePlugin } from '../../../src/negotiation/adapters/toFayePlugin.js';
import { ExtensionError, InvalidDataError } from '../../../src/protocol/errors.js';
import type { Message } from '../../../src/protocol/message.js';
import { Opcode } from '../../../src/protocol/opcodes.js';
import {
  expectedWire,
  rollingXorClient,
  rollingXorServer,
  type RollingXorSession,
  type StageForm,
} from '../support/rollingXor.js';

// The real faye packages (CommonJS).
const require = createRequire(import.meta.url);
type Callback = (error: Error | null, message: FayeMessage) => void;
interface FayeExtensions {
  add(plugin: unknown): void;
  generateOffer(): string | null;
  generateResponse(header: string): string | null;
  activate(header: string): void;
  validFrameRsv(frame: { rsv1: boolean; rsv2: boolean; rsv3: boolean; opcode: number }): boolean;
  processIncomingMessage(message: FayeMessage, callback: Callback): void;
  processOutgoingMessage(message: FayeMessage, callback: Callback): void;
  close(callback: () => void): void;
}
const Extensions = require('websocket-extensions') as new () => FayeExtensions;
const permessageDeflate = require('permessage-deflate') as unknown;

const message = (text: string, opcode: number = Opcode.Text): FayeMessage => ({
  rsv1: false,
  rsv2: false,
  rsv3: false,
  opcode,
  data: Buffer.from(text),
});
const through = (exts: FayeExtensions, direction: 'in' | 'out', msg: FayeMessage) =>
  new Promise<FayeMessage>((resolve, reject) => {
    const run = direction === 'in' ? exts.processIncomingMessage : exts.processOutgoingMessage;
    run.call(exts, msg, (error, out) => (error ? reject(error) : resolve(out)));
  });

function pair(form: StageForm, key = 7) {
  const clientSessions: RollingXorSession[] = [];
  const serverSessions: RollingXorSession[] = [];
  const client = new Extensions();
  const server = new Extensions();
  client.add(toFayePlugin(rollingXorClient(form, key, clientSessions), null, { rsv: { rsv2: true } }));
  server.add(toFayePlugin(null, rollingXorServer(form, serverSessions), { rsv: { rsv2: true } }));
  return { client, server, clientSessions, serverSessions };
}

describe('toFayePlugin: wsx extensions inside faye websocket-extensions containers', () => {
  it.each<StageForm>(['message', 'frame', 'transform'])('negotiates and processes messages (%s stage)', async (form) => {
    const { client, server, clientSessions, serverSessions } = pair(form, 250);
    const offer = client.generateOffer();
    expect(offer).toBe('x-rolling-xor; key=250');
    const response = server.generateResponse(offer!);
    expect(response).toBe('x-rolling-xor; key=250');
    client.activate(response!);
    expect(server.validFrameRsv({ rsv1: false, rsv2: true, rsv3: false, opcode: 1 })).toBe(true);
    expect(server.validFrameRsv({ rsv1: true, rsv2: false, rsv3: false, opcode: 1 })).toBe(false);

    const texts = ['first', 'second message', '', 'fourth: key rolls past 255'];
    for (const [i, text] of texts.entries()) {
      const wire = await through(client, 'out', message(text));
      expect(wire.rsv2).toBe(true);
      expect(new Uint8Array(wire.data)).toEqual(expectedWire(Buffer.from(text), 250, i));
      const back = await through(server, 'in', wire);
      expect(back.rsv2).toBe(false);
      expect(back.opcode).toBe(Opcode.Text);
      expect(Buffer.from(back.data).toString()).toBe(text);
      // and the other direction, server → client
      const reply = await through(client, 'in', await through(server, 'out', message(text.toUpperCase(), Opcode.Binary)));
      expect(Buffer.from(reply.data).toString()).toBe(text.toUpperCase());
      expect(reply.opcode).toBe(Opcode.Binary);
    }

    await new Promise<void>((resolve) => client.close(resolve));
    await new Promise<void>((resolve) => server.close(resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(clientSessions.map((s) => s.closed)).toEqual([1]);
    expect(serverSessions.map((s) => s.closed)).toEqual([1]);
  });

  it('keeps order when faye submits many messages before any completes', async () => {
    const { client, server } = pair('transform', 3);
    client.activate(server.generateResponse(client.generateOffer()!)!);
    const texts = Array.from({ length: 50 }, (_, i) => `message ${i} `.repeat(i));
    const wire = await Promise.all(texts.map((t) => through(client, 'out', message(t))));
    const back = await Promise.all(wire.map((m) => through(server, 'in', m)));
    expect(back.map((m) => Buffer.from(m.data).toString())).toEqual(texts);
  });

  it('runs next to faye’s real permessage-deflate in one container', async () => {
    const client = new Extensions();
    const server = new Extensions();
    client.add(permessageDeflate);
    client.add(toFayePlugin(rollingXorClient('frame', 42), null, { rsv: { rsv2: true } }));
    server.add(toFayePlugin(null, rollingXorServer('frame'), { rsv: { rsv2: true } }));
    server.add(permessageDeflate);
    const offer = client.generateOffer()!;
    expect(offer).toBe('permessage-deflate; client_max_window_bits, x-rolling-xor; key=42');
    const response = server.generateResponse(offer)!;
    expect(response).toBe('x-rolling-xor; key=42, permessage-deflate');
    client.activate(response);
    const text = 'compress me, then xor me '.repeat(40);
    const wire = await through(client, 'out', message(text));
    expect(wire.rsv1).toBe(true);
    expect(wire.rsv2).toBe(true);
    expect(wire.data.length).toBeLessThan(text.length / 4);
    expect(Buffer.from((await through(server, 'in', wire)).data).toString()).toBe(text);
  });

  it('lets faye fail the handshake when the wsx client factory rejects the response', () => {
    const { client } = pair('message');
    client.generateOffer();
    expect(() => client.activate('x-rolling-xor; key=300')).toThrow(/unacceptable extension parameters/);
  });

  it('declines offers the wsx server factory cannot accept', () => {
    const { server, serverSessions } = pair('message');
    expect(server.generateResponse('x-rolling-xor; key=999, x-rolling-xor')).toBeNull();
    expect(server.generateResponse('x-rolling-xor; key=999, x-rolling-xor; key=1')).toBe('x-rolling-xor; key=1');
    expect(serverSessions).toHaveLength(1);
  });

  it('passes control frames untouched', async () => {
    const { client, server } = pair('message');
    client.activate(server.generateResponse(client.generateOffer()!)!);
    const ping = await through(client, 'out', message('ping', Opcode.Ping));
    expect(Buffer.from(ping.data).toString()).toBe('ping');
    expect(ping.rsv2).toBe(false);
  });

  it("reports a stage's typed error through faye's callback", async () => {
    const strict = {
      name: 'x-strict',
      respond: () => ({
        params: [],
        session: {
          name: 'x-strict',
          params: [],
          rsv: {},
          outgoing: { kind: 'message' as const, process: (m: Message) => m },
          incoming: {
            kind: 'message' as const,
            process(m: Message) {
              if (m.data.length === 0) throw new InvalidDataError('empty messages are not allowed');
              return m;
            },
          },
          close: () => undefined,
        },
      }),
    };
    const server = new Extensions();
    server.add(toFayePlugin(null, strict));
    expect(server.generateResponse('x-strict')).toBe('x-strict');
    expect(Buffer.from((await through(server, 'in', message('fine'))).data).toString()).toBe('fine');
    const failure = through(server, 'in', message(''));
    await expect(failure).rejects.toBeInstanceOf(InvalidDataError);
    await expect(failure).rejects.toThrow('x-strict: empty messages are not allowed'); // faye prefixes the name
  });

  it("maps a stage's untyped failure by direction: incoming is the peer's bad data (1007), outgoing our own failure (1011)", async () => {
    const crashing = {
      name: 'x-crash',
      respond: () => ({
        params: [],
        session: {
          name: 'x-crash',
          params: [],
          rsv: {},
          outgoing: {
            kind: 'message' as const,
            process(): Message {
              throw new Error('encoder crashed');
            },
          },
          incoming: {
            kind: 'message' as const,
            process(): Message {
              throw new Error('cannot decode');
            },
          },
          close: () => undefined,
        },
      }),
    };
    const server = new Extensions();
    server.add(toFayePlugin(null, crashing));
    server.generateResponse('x-crash');
    const incoming = through(server, 'in', message('x'));
    await expect(incoming).rejects.toBeInstanceOf(InvalidDataError);
    await expect(incoming).rejects.toMatchObject({ closeCode: 1007 });
    const outgoing = through(server, 'out', message('x'));
    await expect(outgoing).rejects.toBeInstanceOf(ExtensionError);
    await expect(outgoing).rejects.toMatchObject({ closeCode: 1011 });
  });

  it('refuses a session that uses RSV bits the plugin did not declare', () => {
    const server = new Extensions();
    server.add(toFayePlugin(null, rollingXorServer('message')));
    expect(() => server.generateResponse('x-rolling-xor; key=1')).toThrow(/uses RSV2 but toFayePlugin was not told so/);
  });

  it('checks its arguments', () => {
    expect(() => toFayePlugin(null, null)).toThrow(TypeError);
    expect(() => toFayePlugin(rollingXorClient('message', 1), { ...rollingXorServer('message'), name: 'other' })).toThrow(
      /disagree/,
    );
  });
});
