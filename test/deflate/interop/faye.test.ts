// Round trips in both directions against faye's permessage-deflate (through
// websocket-extensions, negotiated with real headers). faye works on whole
// messages: our fragments are joined for it, and its output is split into
// fragments for us (any split of a compressed message is valid).
import { describe, expect, it } from 'vitest';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../../src/deflate/index.js';
import { ClientNegotiator, ServerNegotiator } from '../../../src/negotiation/index.js';
import { Opcode } from '../../../src/protocol/opcodes.js';
import { backends } from '../backends.js';
import { SIZES, bodyFor, framesOf, joined, splitInto, through, type Session } from './messages.js';
import { fayeExtensions, fayeIncoming, fayeOutgoing, type FayeExtensions } from './peers.js';

const combos = [false, true].flatMap((serverNoContextTakeover) =>
  [false, true].flatMap((clientNoContextTakeover) =>
    [9, 12, 15].map((bits) => ({ serverNoContextTakeover, clientNoContextTakeover, bits })),
  ),
);
type Combo = (typeof combos)[number];

function weAreClient(combo: Combo, backend: (typeof backends)[number][1]) {
  const negotiator = new ClientNegotiator([
    new ClientPerMessageDeflateFactory({
      serverNoContextTakeover: combo.serverNoContextTakeover,
      clientNoContextTakeover: combo.clientNoContextTakeover,
      // faye answers an offered server_max_window_bits=15 by omitting it, which
      // RFC 7692 §7.1.2.1 does not allow (tested below); 15 is the default anyway.
      serverMaxWindowBits: combo.bits === 15 ? undefined : combo.bits,
      clientMaxWindowBits: combo.bits,
      backend,
    }),
  ]);
  const peer = fayeExtensions({});
  const response = peer.generateResponse(negotiator.offer()!);
  return { ours: negotiator.accept(response).sessions[0] as Session, peer, response };
}

function weAreServer(combo: Combo, backend: (typeof backends)[number][1]) {
  const peer = fayeExtensions({
    noContextTakeover: combo.clientNoContextTakeover,
    requestNoContextTakeover: combo.serverNoContextTakeover,
    maxWindowBits: combo.bits,
    requestMaxWindowBits: combo.bits,
  });
  const answer = new ServerNegotiator([new ServerPerMessageDeflateFactory({ backend, serverMaxWindowBits: 15, clientMaxWindowBits: 15 })]).respond(
    peer.generateOffer(),
  );
  peer.activate(answer.header!);
  return { ours: answer.sessions[0] as Session, peer, response: answer.header };
}

async function exchange(ours: Session, peer: FayeExtensions, fragmented: boolean): Promise<void> {
  for (const [index, size] of SIZES.entries()) {
    const body = bodyFor(size, index);
    const wire = await through(ours.outgoing, framesOf(splitInto(body, fragmented)));
    const delivered = await fayeIncoming(peer, { rsv1: wire[0]!.rsv1, rsv2: false, rsv3: false, opcode: Opcode.Binary, data: joined(wire) });
    expect(Buffer.from(delivered.data).equals(Buffer.from(body)), `ours → faye, ${size} B`).toBe(true);

    const sent = await fayeOutgoing(peer, { rsv1: false, rsv2: false, rsv3: false, opcode: Opcode.Binary, data: Buffer.from(body) });
    const frames = framesOf(splitInto(sent.data, fragmented)).map((f, i) => ({ ...f, rsv1: i === 0 && sent.rsv1 }));
    const back = await through(ours.incoming, frames);
    expect(joined(back).equals(Buffer.from(body)), `faye → ours, ${size} B`).toBe(true);
  }
}

describe.each(backends)('interop with faye permessage-deflate on %s', (_name, backend) => {
  it.each(combos)('our client ↔ faye server %o', async (combo) => {
    const { ours, peer, response } = weAreClient(combo, backend);
    if (combo.bits < 15) expect(response).toContain(`server_max_window_bits=${combo.bits}`);
    for (const fragmented of [false, true]) await exchange(ours, peer, fragmented);
    await ours.close();
  });

  it.each(combos)('faye client ↔ our server %o', async (combo) => {
    const { ours, peer, response } = weAreServer(combo, backend);
    expect(response).toContain(`client_max_window_bits=${combo.bits}`);
    if (combo.serverNoContextTakeover) expect(response).toContain('server_no_context_takeover');
    for (const fragmented of [false, true]) await exchange(ours, peer, fragmented);
    await ours.close();
  });

  it('fails (1010) when faye leaves out a requested server_max_window_bits=15, as Python websockets does', () => {
    const negotiator = new ClientNegotiator([new ClientPerMessageDeflateFactory({ serverMaxWindowBits: 15, backend })]);
    const response = fayeExtensions({}).generateResponse(negotiator.offer()!);
    expect(response).not.toContain('server_max_window_bits');
    expect(() => negotiator.accept(response)).toThrow(/server_max_window_bits/);
  });
});
