import { createRequire } from 'node:module';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fayeClientFactory, fayeServerFactory, fromFayePlugin } from '../../../src/negotiation/adapters/fromFayePlugin.js';
import type { FayeMessage, FayePlugin } from '../../../src/negotiation/adapters/fayeModel.js';
import { ClientNegotiator } from '../../../src/negotiation/clientNegotiator.js';
import { ServerNegotiator } from '../../../src/negotiation/serverNegotiator.js';
import { InvalidDataError, NegotiationError } from '../../../src/protocol/errors.js';
import type { ExtensionSession, MessageStage } from '../../../src/protocol/extension.js';
import type { Message } from '../../../src/protocol/message.js';
import { Opcode } from '../../../src/protocol/opcodes.js';

// The real faye packages (CommonJS).
const require = createRequire(import.meta.url);
const deflate = require('permessage-deflate') as FayePlugin & { configure(options: object): FayePlugin };
const Extensions = require('websocket-extensions') as new () => {
  add(plugin: unknown): void;
  generateOffer(): string | null;
  activate(header: string): void;
  processOutgoingMessage(message: FayeMessage, callback: (error: Error | null, message: FayeMessage) => void): void;
};

const signal = new AbortController().signal;
const text = (s: string): Message => ({ opcode: Opcode.Text, rsv1: false, rsv2: false, rsv3: false, data: new TextEncoder().encode(s) });
const run = (session: ExtensionSession, direction: 'outgoing' | 'incoming', message: Message) =>
  Promise.resolve((session[direction] as MessageStage).process(message, { signal }));
const syncInflate = (data: Uint8Array) =>
  inflateRawSync(Buffer.concat([data, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: constants.Z_SYNC_FLUSH });

function handshake(clientPlugin: FayePlugin = deflate, serverPlugin: FayePlugin = deflate) {
  const client = new ClientNegotiator([fayeClientFactory(clientPlugin)]);
  const server = new ServerNegotiator([fayeServerFactory(serverPlugin)]);
  const offer = client.offer();
  const serverSide = server.respond(offer);
  const clientSide = client.accept(serverSide.header);
  return { offer, client: clientSide, server: serverSide };
}

describe("fromFayePlugin: faye's real permessage-deflate as wsx factories", () => {
  it('negotiates through the wsx negotiators', () => {
    const { offer, client, server } = handshake();
    expect(offer).toBe('permessage-deflate; client_max_window_bits');
    expect(server.header).toBe('permessage-deflate');
    expect(client.sessions.map((s) => [s.name, s.rsv])).toEqual([['permessage-deflate', { rsv1: true, rsv2: false, rsv3: false }]]);
    expect(server.allowedRsv).toEqual({ rsv1: true, rsv2: false, rsv3: false });
  });

  it("converts numeric parameters the way faye's parser does", () => {
    const tuned = deflate.configure({ maxWindowBits: 10, requestMaxWindowBits: 11, requestNoContextTakeover: true });
    const { offer, client, server } = handshake(tuned, deflate);
    expect(offer).toBe('permessage-deflate; client_max_window_bits=10; server_no_context_takeover; server_max_window_bits=11');
    expect(server.header).toBe('permessage-deflate; server_no_context_takeover; server_max_window_bits=11; client_max_window_bits=10');
    expect(client.sessions).toHaveLength(1);
  });

  it("compresses with the faye session and inflates on the other side, context taken over", async () => {
    const { client, server } = handshake();
    const [c] = client.sessions;
    const [s] = server.sessions;
    const texts = ['Hello, hello, hello, hello!', 'Hello, hello, hello, hello!', 'different text entirely', ''];
    // submit all before any completes: the session finishes them in its own time
    const wire = await Promise.all(texts.map((t) => run(c!, 'outgoing', text(t))));
    expect(wire.every((m) => m.rsv1 && m.opcode === Opcode.Text)).toBe(true);
    // with context takeover the repeat compresses to a back-reference
    expect(wire[1]!.data.length).toBeLessThan(wire[0]!.data.length);
    // an independent inflater (one stream, as RFC 7692 requires) agrees with the sender
    const inflater = new (await import('node:zlib')).InflateRaw();
    const independent: string[] = [];
    for (const m of wire) {
      independent.push(
        await new Promise<string>((resolve, reject) => {
          const chunks: Buffer[] = [];
          const onData = (d: Buffer) => chunks.push(d);
          inflater.on('data', onData).once('error', reject);
          inflater.write(Buffer.concat([m.data, Buffer.from([0, 0, 0xff, 0xff])]));
          inflater.flush(() => {
            inflater.off('data', onData);
            resolve(Buffer.concat(chunks).toString());
          });
        }),
      );
    }
    inflater.close();
    expect(independent).toEqual(texts);
    const back = [];
    for (const m of wire) back.push(await run(s!, 'incoming', m));
    expect(back.map((m) => new TextDecoder().decode(m.data))).toEqual(texts);
    expect(back.every((m) => !m.rsv1)).toBe(true);
    await Promise.all([c!.close(), s!.close()]);
  });

  it('inflates what a plain zlib compressor produced', async () => {
    const { server } = handshake();
    const compressed = deflateRawSync(Buffer.from('zlib made this'), { finishFlush: constants.Z_SYNC_FLUSH });
    const message = { ...text(''), rsv1: true, data: compressed.subarray(0, compressed.length - 4) };
    const out = await run(server.sessions[0]!, 'incoming', message);
    expect(new TextDecoder().decode(out.data)).toBe('zlib made this');
  });

  it('interoperates with a faye websocket-extensions container on the other side', async () => {
    const fayeClient = new Extensions();
    fayeClient.add(deflate);
    const server = new ServerNegotiator([fayeServerFactory(deflate)]);
    const { header, sessions } = server.respond(fayeClient.generateOffer());
    fayeClient.activate(header!);
    const wire = await new Promise<FayeMessage>((resolve, reject) =>
      fayeClient.processOutgoingMessage(
        { rsv1: false, rsv2: false, rsv3: false, opcode: 1, data: Buffer.from('from faye') },
        (error, m) => (error ? reject(error) : resolve(m)),
      ),
    );
    expect(syncInflate(wire.data).toString()).toBe('from faye');
    const out = await run(sessions[0]!, 'incoming', { opcode: Opcode.Text, rsv1: wire.rsv1, rsv2: false, rsv3: false, data: wire.data });
    expect(new TextDecoder().decode(out.data)).toBe('from faye');
  });

  it('declines offers faye’s plugin cannot accept, and fails the client on a bad response', () => {
    const server = new ServerNegotiator([fayeServerFactory(deflate)]);
    expect(server.respond('permessage-deflate; bogus, permessage-deflate; server_max_window_bits=99').header).toBeNull();
    expect(server.respond('permessage-deflate; bogus, permessage-deflate; server_max_window_bits=9').header).toBe(
      'permessage-deflate; server_max_window_bits=9',
    );
    // a repeated parameter reaches faye as an array, which it refuses: declined, not crashed
    expect(server.respond('permessage-deflate; server_no_context_takeover; server_no_context_takeover').header).toBeNull();
    const client = new ClientNegotiator([fromFayePlugin(deflate).client]);
    client.offer();
    expect(() => client.accept('permessage-deflate; client_max_window_bits=99')).toThrow(NegotiationError);
    expect(() => client.accept('permessage-deflate; __proto__=1')).toThrow(/rejected the server's parameters/);
  });

  it('reports corrupt incoming data as an InvalidDataError (1007) naming the extension', async () => {
    const { server } = handshake();
    const corrupt = { ...text(''), rsv1: true, data: new Uint8Array([0xff, 0xff, 0xff, 0xff]) };
    const failure = run(server.sessions[0]!, 'incoming', corrupt);
    await expect(failure).rejects.toThrow(InvalidDataError);
    await expect(failure).rejects.toMatchObject({ closeCode: 1007 });
    await expect(failure).rejects.toThrow(/^permessage-deflate: /);
    // like faye's pipeline, the failed direction stays stopped (the inflater is broken now)
    await expect(run(server.sessions[0]!, 'incoming', text('plain'))).rejects.toBe(await failure.catch((e) => e));
    // the other direction still works
    expect((await run(server.sessions[0]!, 'outgoing', text('still fine'))).rsv1).toBe(true);
  });

  it('close() waits for messages in flight, then refuses new ones', async () => {
    const { client } = handshake();
    const session = client.sessions[0]!;
    const inFlight = run(session, 'outgoing', text('x'.repeat(100_000)));
    let closed = false;
    const closing = Promise.resolve(session.close()).then(() => (closed = true));
    const sent = await inFlight;
    expect(syncInflate(sent.data).length).toBe(100_000);
    await closing;
    expect(closed).toBe(true);
    await expect(run(session, 'outgoing', text('late'))).rejects.toThrow(/session is closed/);
  });
});
