// The factories through the real negotiators and header grammar: offers,
// responses, declines, client failures, and sessions talking to each other.
import { describe, expect, it } from 'vitest';
import {
  ClientPerMessageDeflateFactory,
  ServerPerMessageDeflateFactory,
  enableClientPermessageDeflate,
  enableServerPermessageDeflate,
  type PerMessageDeflateSession,
} from '../../src/deflate/index.js';
import { ClientNegotiator, ServerNegotiator } from '../../src/negotiation/index.js';
import {
  DuplicateParameter,
  InvalidParameterName,
  InvalidParameterValue,
  NegotiationError,
  PayloadTooBigError,
} from '../../src/protocol/errors.js';
import type { ExtensionSession, FrameStage, StageContext } from '../../src/protocol/extension.js';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { hex, prose } from './backends.js';

const context: StageContext = { signal: new AbortController().signal };

async function run(stage: FrameStage, frame: Frame): Promise<Frame> {
  const result = await stage.process(frame, context);
  return Array.isArray(result) ? (result as Frame[])[0]! : (result as Frame);
}

function handshake(client: ClientPerMessageDeflateFactory, server: ServerPerMessageDeflateFactory, maxMessageSize?: number) {
  const clientNegotiator = new ClientNegotiator([client], { maxMessageSize });
  const serverNegotiator = new ServerNegotiator([server], { maxMessageSize });
  const offer = clientNegotiator.offer();
  const answer = serverNegotiator.respond(offer);
  const accepted = clientNegotiator.accept(answer.header);
  return {
    offer,
    response: answer.header,
    client: accepted.sessions[0] as PerMessageDeflateSession,
    server: answer.sessions[0] as PerMessageDeflateSession,
  };
}

function respondTo(header: string, server = new ServerPerMessageDeflateFactory()) {
  return new ServerNegotiator([server]).respond(header).header;
}

function acceptResponse(response: string, client = new ClientPerMessageDeflateFactory()): unknown {
  const negotiator = new ClientNegotiator([client]);
  negotiator.offer();
  try {
    negotiator.accept(response);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('offers and responses', () => {
  it('offers a bare client_max_window_bits by default; the server answers 12/12', () => {
    const { offer, response, client, server } = handshake(new ClientPerMessageDeflateFactory(), new ServerPerMessageDeflateFactory());
    expect(offer).toBe('permessage-deflate; client_max_window_bits');
    expect(response).toBe('permessage-deflate; server_max_window_bits=12; client_max_window_bits=12');
    expect(client.agreement).toEqual(server.agreement);
    expect(client.rsv).toEqual({ rsv1: true });
  });

  it('offers every configured parameter and the server confirms them', () => {
    const { offer, response } = handshake(
      new ClientPerMessageDeflateFactory({ serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 9 }),
      new ServerPerMessageDeflateFactory(),
    );
    expect(offer).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9',
    );
    expect(response).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9',
    );
  });

  it('does not offer client_max_window_bits when told not to, and the server then never sends it', () => {
    const { offer, response } = handshake(new ClientPerMessageDeflateFactory({ clientMaxWindowBits: false }), new ServerPerMessageDeflateFactory());
    expect(offer).toBe('permessage-deflate');
    expect(response).toBe('permessage-deflate; server_max_window_bits=12');
  });

  it('declines invalid offers and takes the next valid one', () => {
    expect(respondTo('permessage-deflate; server_max_window_bits=08, permessage-deflate; client_max_window_bits')).toBe(
      'permessage-deflate; server_max_window_bits=12; client_max_window_bits=12',
    );
    expect(respondTo('permessage-deflate; foo, permessage-deflate; server_no_context_takeover=1, permessage-deflate')).toBe(
      'permessage-deflate; server_max_window_bits=12',
    );
  });

  it('declines when no offer is acceptable (no extension, no failure)', () => {
    expect(respondTo('permessage-deflate; x=1, permessage-deflate; client_max_window_bits=16')).toBeNull();
    const strict = new ServerPerMessageDeflateFactory({ requireClientMaxWindowBits: true });
    expect(respondTo('permessage-deflate', strict)).toBeNull();
    expect(respondTo('permessage-deflate, permessage-deflate; client_max_window_bits=10', strict)).toBe(
      'permessage-deflate; server_max_window_bits=12; client_max_window_bits=10',
    );
  });

  it('declines a second permessage-deflate or a conflict on RSV1', () => {
    const factory = new ServerPerMessageDeflateFactory();
    const first = factory.respond([[]], [])!;
    expect(factory.respond([[]], [first.session])).toBeNull();
    const other: ExtensionSession = {
      name: 'x-other',
      params: [],
      rsv: { rsv1: true },
      outgoing: { kind: 'frame', process: (f) => f },
      incoming: { kind: 'frame', process: (f) => f },
      close: () => undefined,
    };
    expect(factory.respond([[]], [other])).toBeNull();
    expect(() => new ClientPerMessageDeflateFactory().accept([], [other])).toThrow(NegotiationError);
  });

  it('fails the client (1010) on responses it did not allow, naming the parameter', () => {
    const cases: [string, new (...args: never[]) => Error, string, ClientPerMessageDeflateFactory?][] = [
      ['permessage-deflate; foo', InvalidParameterName, 'foo'],
      ['permessage-deflate; server_max_window_bits=10; server_max_window_bits=10', DuplicateParameter, 'server_max_window_bits'],
      ['permessage-deflate; server_max_window_bits=010', InvalidParameterValue, 'server_max_window_bits'],
      ['permessage-deflate; client_max_window_bits', InvalidParameterValue, 'client_max_window_bits'],
      ['permessage-deflate; server_no_context_takeover=yes', InvalidParameterValue, 'server_no_context_takeover'],
      ['permessage-deflate; client_max_window_bits=10', NegotiationError, 'client_max_window_bits', new ClientPerMessageDeflateFactory({ clientMaxWindowBits: false })],
      ['permessage-deflate; client_max_window_bits=11', NegotiationError, 'client_max_window_bits', new ClientPerMessageDeflateFactory({ clientMaxWindowBits: 10 })],
      ['permessage-deflate', NegotiationError, 'server_no_context_takeover', new ClientPerMessageDeflateFactory({ serverNoContextTakeover: true })],
      ['permessage-deflate', NegotiationError, 'server_max_window_bits', new ClientPerMessageDeflateFactory({ serverMaxWindowBits: 10 })],
      ['permessage-deflate; server_max_window_bits=11', NegotiationError, 'server_max_window_bits', new ClientPerMessageDeflateFactory({ serverMaxWindowBits: 10 })],
    ];
    for (const [response, type, parameter, client] of cases) {
      const error = acceptResponse(response, client) as NegotiationError;
      expect(error, response).toBeInstanceOf(type);
      expect(error.closeCode, response).toBe(1010);
      expect(error.message, response).toContain(parameter);
    }
  });

  it('rejects invalid configuration values', () => {
    expect(() => new ClientPerMessageDeflateFactory({ clientMaxWindowBits: 16 })).toThrow(RangeError);
    expect(() => new ClientPerMessageDeflateFactory({ serverMaxWindowBits: 7 })).toThrow(/serverMaxWindowBits/);
    expect(() => new ServerPerMessageDeflateFactory({ serverMaxWindowBits: 12.5 })).toThrow(RangeError);
    expect(() => new ServerPerMessageDeflateFactory({ compressSettings: { memLevel: 10 } })).toThrow(/memLevel/);
    expect(() => new ServerPerMessageDeflateFactory({ clientMaxWindowBits: null, requireClientMaxWindowBits: true })).toThrow(TypeError);
  });
});

describe('enable*PermessageDeflate', () => {
  it('adds the default factory unless one named permessage-deflate is present', () => {
    expect(enableClientPermessageDeflate().map((f) => f.name)).toEqual(['permessage-deflate']);
    expect(enableServerPermessageDeflate([]).map((f) => f.name)).toEqual(['permessage-deflate']);
    const mine = new ClientPerMessageDeflateFactory({ clientMaxWindowBits: 9 });
    const list = enableClientPermessageDeflate([mine]);
    expect(list).toHaveLength(1);
    expect(list[0]).toBe(mine);
    const other = { name: 'x-other', offer: () => [[]], accept: () => { throw new Error('unused'); } };
    expect(enableClientPermessageDeflate([other]).map((f) => f.name)).toEqual(['x-other', 'permessage-deflate']);
    const serverMine = new ServerPerMessageDeflateFactory({ serverNoContextTakeover: true });
    expect(enableServerPermessageDeflate([serverMine])[0]).toBe(serverMine);
  });
});

describe('negotiated sessions talk to each other', () => {
  const combos = [false, true].flatMap((serverNoContextTakeover) =>
    [false, true].flatMap((clientNoContextTakeover) => [9, 12, 15].map((bits) => ({ serverNoContextTakeover, clientNoContextTakeover, bits }))),
  );

  it.each(combos)('both directions with %o', async ({ serverNoContextTakeover, clientNoContextTakeover, bits }) => {
    const { client, server } = handshake(
      new ClientPerMessageDeflateFactory({ serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits: bits, clientMaxWindowBits: bits }),
      new ServerPerMessageDeflateFactory({ serverMaxWindowBits: 15, clientMaxWindowBits: 15 }),
    );
    expect(client.agreement).toMatchObject({ serverNoContextTakeover, clientNoContextTakeover, serverWindowBits: bits, clientWindowBits: bits });
    for (const [from, to, resets] of [
      [client, server, clientNoContextTakeover],
      [server, client, serverNoContextTakeover],
    ] as const) {
      // A 9-bit window (zlib matches reach back 250 bytes) only sees a short previous message.
      const body = prose(bits === 9 ? 200 : 3000, bits);
      const sizes: number[] = [];
      for (let i = 0; i < 2; i++) {
        const wire = await run(from.outgoing, createFrame(Opcode.Text, body));
        expect(wire.rsv1).toBe(true);
        sizes.push(wire.payload.length);
        expect(hex((await run(to.incoming, wire)).payload)).toBe(hex(body));
      }
      if (resets) expect(sizes[1]).toBe(sizes[0]);
      else expect(sizes[1]).toBeLessThan(sizes[0]! / 3);
    }
    await Promise.all([client.close(), server.close()]);
  });

  it('applies the connection maxMessageSize to inflated messages (1009)', async () => {
    const { client, server } = handshake(new ClientPerMessageDeflateFactory(), new ServerPerMessageDeflateFactory(), 10_000);
    const ok = await run(client.outgoing, createFrame(Opcode.Binary, new Uint8Array(10_000)));
    expect((await run(server.incoming, ok)).payload.length).toBe(10_000);
    const big = await run(client.outgoing, createFrame(Opcode.Binary, new Uint8Array(10_001)));
    await expect(run(server.incoming, big)).rejects.toBeInstanceOf(PayloadTooBigError);
  });

  it('answers small frames synchronously and large ones with a promise; close() waits for them', async () => {
    const { client, server } = handshake(new ClientPerMessageDeflateFactory(), new ServerPerMessageDeflateFactory({ sliceBudgetMs: 0 }));
    const small = client.outgoing.process(createFrame(Opcode.Text, prose(1000)), context);
    expect(small).not.toBeInstanceOf(Promise);
    const large = server.outgoing.process(createFrame(Opcode.Text, prose(1 << 20)), context);
    expect(large).toBeInstanceOf(Promise);
    let closed = false;
    const closing = Promise.resolve(server.close()).then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    const frame = (await large) as Frame;
    await closing;
    expect(closed).toBe(true);
    expect(frame.rsv1).toBe(true);
    expect(hex((await run(client.incoming, frame)).payload)).toBe(hex(prose(1 << 20)));
  });
});
