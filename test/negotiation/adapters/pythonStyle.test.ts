import { constants, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  fromPythonStyleClientFactory,
  fromPythonStyleServerFactory,
  type AcceptedExtension,
  type PythonStyleServerExtensionFactory,
} from '../../../src/negotiation/adapters/pythonStyle.js';
import { ClientNegotiator } from '../../../src/negotiation/clientNegotiator.js';
import { ServerNegotiator } from '../../../src/negotiation/serverNegotiator.js';
import { ExtensionError, InvalidDataError, InvalidParameterName, PayloadTooBigError } from '../../../src/protocol/errors.js';
import type { FrameStage } from '../../../src/protocol/extension.js';
import { createFrame, type Frame } from '../../../src/protocol/frame.js';
import { Opcode } from '../../../src/protocol/opcodes.js';
import { ClientDeflateFrameFactory, DeflateFrame, ServerDeflateFrameFactory } from '../support/pythonStyleDeflateFrame.js';

const text = new TextEncoder();
const one = (out: Frame | readonly Frame[]): Frame => {
  expect(Array.isArray(out) ? out.length : 1).toBe(1);
  return (Array.isArray(out) ? out[0] : out) as Frame;
};
const run = async (stage: FrameStage, frame: Frame) =>
  one(await stage.process(frame, { signal: new AbortController().signal }));

describe('Python websockets-style factories', () => {
  it('negotiate through the wsx negotiators and run frames both ways', async () => {
    const client = new ClientNegotiator([fromPythonStyleClientFactory(new ClientDeflateFrameFactory())]);
    const server = new ServerNegotiator([fromPythonStyleServerFactory(new ServerDeflateFrameFactory())]);
    const offer = client.offer();
    expect(offer).toBe('deflate-frame; no_context_takeover');
    const serverSide = server.respond(offer);
    expect(serverSide.header).toBe('deflate-frame; no_context_takeover');
    expect(serverSide.allowedRsv).toEqual({ rsv1: true, rsv2: false, rsv3: false });
    const clientSide = client.accept(serverSide.header);
    expect(clientSide.sessions.map((s) => s.name)).toEqual(['deflate-frame']);
    expect(clientSide.sessions[0]!.params).toEqual([['no_context_takeover', true]]);

    const original = text.encode('hello hello hello hello hello '.repeat(20));
    const sent = await run(clientSide.sessions[0]!.outgoing as FrameStage, createFrame(Opcode.Text, original));
    expect(sent.rsv1).toBe(true);
    expect(sent.payload.length).toBeLessThan(original.length / 4);
    // independent check with zlib: the frame payload is raw DEFLATE of the text
    expect(inflateRawSync(Buffer.concat([sent.payload, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: constants.Z_SYNC_FLUSH })).toEqual(Buffer.from(original));
    const received = await run(serverSide.sessions[0]!.incoming as FrameStage, sent);
    expect(received.rsv1).toBe(false);
    expect(received.opcode).toBe(Opcode.Text);
    expect(Buffer.from(received.payload)).toEqual(Buffer.from(original));
    await serverSide.sessions[0]!.close();
  });

  it('asks the server factory one offer at a time and uses the first it accepts', () => {
    const factory = new ServerDeflateFrameFactory();
    const result = new ServerNegotiator([fromPythonStyleServerFactory(factory)]).respond(
      'deflate-frame; max_window_bits=10, deflate-frame; no_context_takeover, deflate-frame',
    );
    expect(factory.seenOffers).toEqual([[['max_window_bits', '10']], [['no_context_takeover', null]]]);
    expect(result.header).toBe('deflate-frame; no_context_takeover');
  });

  it('declines (no header, no error) when the factory passes on every offer', () => {
    const factory = new ServerDeflateFrameFactory();
    const result = new ServerNegotiator([fromPythonStyleServerFactory(factory)]).respond('deflate-frame; x, deflate-frame');
    expect(factory.seenOffers).toHaveLength(2);
    expect(result.header).toBeNull();
  });

  it('shows factories the Python-style extensions already accepted', () => {
    const seen: (readonly AcceptedExtension[])[] = [];
    const observer: PythonStyleServerExtensionFactory = {
      name: 'x-observer',
      processRequestParams(params, accepted) {
        seen.push(accepted);
        return [params, { name: 'x-observer', encode: (f) => f, decode: (f) => f }];
      },
    };
    const server = new ServerNegotiator([
      fromPythonStyleServerFactory(new ServerDeflateFrameFactory()),
      fromPythonStyleServerFactory(observer),
    ]);
    server.respond('deflate-frame; no_context_takeover, x-observer');
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBeInstanceOf(DeflateFrame);
  });

  it("fails the client with the factory's typed error when it rejects the response", () => {
    const client = new ClientNegotiator([fromPythonStyleClientFactory(new ClientDeflateFrameFactory())]);
    client.offer();
    expect(() => client.accept('deflate-frame; max_window_bits=9')).toThrow(InvalidParameterName);
  });

  it('passes maxMessageSize as maxSize and keeps typed errors', async () => {
    const client = new ClientNegotiator([fromPythonStyleClientFactory(new ClientDeflateFrameFactory())]);
    const server = new ServerNegotiator([fromPythonStyleServerFactory(new ServerDeflateFrameFactory())], { maxMessageSize: 100 });
    const serverSide = server.respond(client.offer());
    const clientSide = client.accept(serverSide.header);
    const sent = await run(clientSide.sessions[0]!.outgoing as FrameStage, createFrame(Opcode.Binary, new Uint8Array(101)));
    await expect(run(serverSide.sessions[0]!.incoming as FrameStage, sent)).rejects.toBeInstanceOf(PayloadTooBigError);
    const fits = await run(clientSide.sessions[0]!.outgoing as FrameStage, createFrame(Opcode.Binary, new Uint8Array(100)));
    expect((await run(serverSide.sessions[0]!.incoming as FrameStage, fits)).payload).toHaveLength(100);
  });

  it('reports data an incoming extension cannot decode as InvalidDataError (1007), not 1010', async () => {
    const server = new ServerNegotiator([fromPythonStyleServerFactory(new ServerDeflateFrameFactory())]);
    const { sessions } = server.respond('deflate-frame; no_context_takeover');
    const corrupt = createFrame(Opcode.Binary, new Uint8Array([0xff, 0xff, 0xff]), { rsv1: true });
    const failure = run(sessions[0]!.incoming as FrameStage, corrupt);
    await expect(failure).rejects.toBeInstanceOf(InvalidDataError);
    await expect(failure).rejects.toMatchObject({ closeCode: 1007, message: expect.stringMatching(/^deflate-frame: /) });
  });

  it('wraps untyped failures of an outgoing extension in ExtensionError (1011: our side failed)', async () => {
    const broken: PythonStyleServerExtensionFactory = {
      name: 'x-broken',
      processRequestParams: (params) => [
        params,
        {
          name: 'x-broken',
          encode: () => {
            throw new Error('encoder crashed');
          },
          decode: (f) => f,
        },
      ],
    };
    const { sessions } = new ServerNegotiator([fromPythonStyleServerFactory(broken)]).respond('x-broken');
    const failure = run(sessions[0]!.outgoing as FrameStage, createFrame(Opcode.Binary, new Uint8Array(1)));
    await expect(failure).rejects.toBeInstanceOf(ExtensionError);
    await expect(failure).rejects.toMatchObject({ closeCode: 1011, message: 'x-broken: encoder crashed' });
  });

  it('takes RSV bits from the adapter options when the extension declares none', () => {
    const bare: PythonStyleServerExtensionFactory = {
      name: 'x-bare',
      processRequestParams: (params) => [params, { name: 'x-bare', encode: (f) => f, decode: (f) => f }],
    };
    const server = new ServerNegotiator([fromPythonStyleServerFactory(bare, { rsv: { rsv3: true } })]);
    expect(server.respond('x-bare').allowedRsv).toEqual({ rsv1: false, rsv2: false, rsv3: true });
  });
});
