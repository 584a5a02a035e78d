// Round trips against Python websockets' permessage-deflate (Debian
// python3-websockets), negotiated by its own factories, through pipes.
import { describe, expect, it } from 'vitest';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../../src/deflate/index.js';
import { ClientNegotiator, ServerNegotiator } from '../../../src/negotiation/index.js';
import type { Frame } from '../../../src/protocol/frame.js';
import { hasPythonWebsockets, peerAvailable } from '../../support/peers.js';
import { backends } from '../backends.js';
import { SIZES, bodyFor, framesOf, joined, splitInto, through, type Session } from './messages.js';
import { PythonPeer } from './pythonPeer.js';

const available = peerAvailable('python3-websockets', hasPythonWebsockets());

const combos = [false, true].flatMap((serverNoContextTakeover) =>
  [false, true].flatMap((clientNoContextTakeover) =>
    [9, 12, 15].map((bits) => ({ serverNoContextTakeover, clientNoContextTakeover, bits })),
  ),
);
type Combo = (typeof combos)[number];

async function exchange(ours: Session, peer: PythonPeer, fragmented: boolean): Promise<void> {
  for (const [index, size] of SIZES.entries()) {
    const body = bodyFor(size, index);
    const wire = await through(ours.outgoing, framesOf(splitInto(body, fragmented)));
    const decoded: Frame[] = [];
    for (const frame of wire) decoded.push(await peer.frame('D', frame));
    expect(joined(decoded).equals(Buffer.from(body)), `ours → python, ${size} B`).toBe(true);

    const encoded: Frame[] = [];
    for (const frame of framesOf(splitInto(body, fragmented))) encoded.push(await peer.frame('E', frame));
    expect(encoded[0]!.rsv1).toBe(true);
    const back = await through(ours.incoming, encoded);
    expect(joined(back).equals(Buffer.from(body)), `python → ours, ${size} B`).toBe(true);
  }
}

describe.skipIf(!available).each(backends)('interop with Python websockets on %s', (_name, backend) => {
  it.each(combos)('our client ↔ Python server %o', async (combo: Combo) => {
    const peer = new PythonPeer('server', { server_max_window_bits: 15, client_max_window_bits: 15 });
    const negotiator = new ClientNegotiator([
      new ClientPerMessageDeflateFactory({
        serverNoContextTakeover: combo.serverNoContextTakeover,
        clientNoContextTakeover: combo.clientNoContextTakeover,
        serverMaxWindowBits: combo.bits,
        clientMaxWindowBits: combo.bits,
        backend,
      }),
    ]);
    peer.write('O', Buffer.from(negotiator.offer()!));
    const response = (await peer.read()).data.toString();
    expect(response).toContain(`server_max_window_bits=${combo.bits}`);
    const ours = negotiator.accept(response).sessions[0] as Session;
    for (const fragmented of [false, true]) await exchange(ours, peer, fragmented);
    await Promise.all([peer.close(), ours.close()]);
  });

  it.each(combos)('Python client ↔ our server %o', async (combo: Combo) => {
    const peer = new PythonPeer('client', {
      server_no_context_takeover: combo.serverNoContextTakeover,
      client_no_context_takeover: combo.clientNoContextTakeover,
      server_max_window_bits: combo.bits,
      client_max_window_bits: combo.bits,
    });
    const offer = (await peer.read()).data.toString();
    const answer = new ServerNegotiator([new ServerPerMessageDeflateFactory({ backend })]).respond(offer);
    expect(answer.header).toContain('permessage-deflate');
    peer.write('A', Buffer.from(answer.header!));
    const ours = answer.sessions[0] as Session;
    for (const fragmented of [false, true]) await exchange(ours, peer, fragmented);
    await Promise.all([peer.close(), ours.close()]);
  });

  it('accepts the defaults of both sides (Python client offers, our server answers 12/12)', async () => {
    const peer = new PythonPeer('client', { compress_settings: { memLevel: 5 } });
    const offer = (await peer.read()).data.toString();
    expect(offer).toBe('permessage-deflate; client_max_window_bits');
    const answer = new ServerNegotiator([new ServerPerMessageDeflateFactory({ backend })]).respond(offer);
    expect(answer.header).toBe('permessage-deflate; server_max_window_bits=12; client_max_window_bits=12');
    peer.write('A', Buffer.from(answer.header!));
    await exchange(answer.sessions[0] as Session, peer, false);
    await peer.close();
  });
});
