// Round trips in both directions against ws's PerMessageDeflate, negotiated
// through real headers, across context takeover × window bits × fragmentation
// × sizes 0 B – 1 MiB.
import { describe, expect, it } from 'vitest';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../../src/deflate/index.js';
import { ClientNegotiator, ServerNegotiator } from '../../../src/negotiation/index.js';
import { backends } from '../backends.js';
import { SIZES, bodyFor, framesOf, joined, splitInto, through, type Session } from './messages.js';
import { WsPerMessageDeflate, wsCompress, wsDecompress, wsExtension, type WsPerMessageDeflate as Pmd } from './peers.js';

const combos = [false, true].flatMap((serverNoContextTakeover) =>
  [false, true].flatMap((clientNoContextTakeover) =>
    [9, 12, 15].map((bits) => ({ serverNoContextTakeover, clientNoContextTakeover, bits })),
  ),
);

/** Our client against a ws server. */
function weAreClient(combo: (typeof combos)[number], backend: (typeof backends)[number][1]) {
  const negotiator = new ClientNegotiator([
    new ClientPerMessageDeflateFactory({
      serverNoContextTakeover: combo.serverNoContextTakeover,
      clientNoContextTakeover: combo.clientNoContextTakeover,
      serverMaxWindowBits: combo.bits,
      clientMaxWindowBits: combo.bits,
      backend,
    }),
  ]);
  const peer = new WsPerMessageDeflate({ isServer: true, threshold: 0 });
  const offers = wsExtension.parse(negotiator.offer()!)['permessage-deflate']!;
  const response = wsExtension.format({ 'permessage-deflate': peer.accept(offers) });
  const ours = negotiator.accept(response).sessions[0] as Session;
  return { ours, peer, response };
}

/** A ws client against our server. */
function weAreServer(combo: (typeof combos)[number], backend: (typeof backends)[number][1]) {
  const peer = new WsPerMessageDeflate({
    isServer: false,
    threshold: 0,
    serverNoContextTakeover: combo.serverNoContextTakeover,
    clientNoContextTakeover: combo.clientNoContextTakeover,
    serverMaxWindowBits: combo.bits,
    clientMaxWindowBits: combo.bits,
  });
  const offer = wsExtension.format({ 'permessage-deflate': peer.offer() });
  const answer = new ServerNegotiator([new ServerPerMessageDeflateFactory({ backend, serverMaxWindowBits: 15, clientMaxWindowBits: 15 })]).respond(offer);
  peer.accept(wsExtension.parse(answer.header!)['permessage-deflate']!);
  return { ours: answer.sessions[0] as Session, peer, response: answer.header };
}

async function exchange(ours: Session, peer: Pmd, fragmented: boolean): Promise<void> {
  for (const [index, size] of SIZES.entries()) {
    const body = bodyFor(size, index);
    // Ours → ws.
    const wire = await through(ours.outgoing, framesOf(splitInto(body, fragmented)));
    expect(wire.length).toBe(fragmented ? 3 : 1);
    let received: Buffer;
    if (wire[0]!.rsv1) {
      const parts: Buffer[] = [];
      for (const frame of wire) parts.push(await wsDecompress(peer, frame.payload, frame.fin));
      received = Buffer.concat(parts);
    } else {
      received = joined(wire);
    }
    expect(received.equals(Buffer.from(body)), `ours → ws, ${size} B`).toBe(true);
    // ws → ours: ws compresses each fragment; the first carries RSV1.
    const parts = splitInto(body, fragmented);
    const frames = framesOf(parts);
    const compressed = [];
    for (const [i, frame] of frames.entries()) {
      compressed.push({ ...frame, rsv1: i === 0, payload: await wsCompress(peer, parts[i]!, frame.fin) });
    }
    const back = await through(ours.incoming, compressed);
    expect(back.every((f) => !f.rsv1)).toBe(true);
    expect(joined(back).equals(Buffer.from(body)), `ws → ours, ${size} B`).toBe(true);
  }
}

describe.each(backends)('interop with ws PerMessageDeflate on %s', (_name, backend) => {
  it.each(combos)('our client ↔ ws server %o', async (combo) => {
    const { ours, peer, response } = weAreClient(combo, backend);
    expect(response).toContain(`server_max_window_bits=${combo.bits}`);
    for (const fragmented of [false, true]) await exchange(ours, peer, fragmented);
    peer.cleanup();
    await ours.close();
  });

  it.each(combos)('ws client ↔ our server %o', async (combo) => {
    const { ours, peer, response } = weAreServer(combo, backend);
    expect(response).toContain(`client_max_window_bits=${combo.bits}`);
    for (const fragmented of [false, true]) await exchange(ours, peer, fragmented);
    peer.cleanup();
    await ours.close();
  });
});
