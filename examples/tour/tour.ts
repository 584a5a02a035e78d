/**
 * The README's tour, runnable: `npx tsx examples/tour/tour.ts`.
 * One negotiation, then the same permessage-deflate session pair driven
 * through both faces — WHATWG streams and RxJS operators — over real bytes.
 */
import { lastValueFrom, from, toArray, map } from 'rxjs';
import { Opcode, type Message } from '../../src/protocol/index.js';
import { ClientNegotiator, ServerNegotiator } from '../../src/negotiation/index.js';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory, deflate, inflate } from '../../src/deflate/index.js';
import { createExtensionPipeline, frameDecoder, frameEncoder, messageAssembler, messageFragmenter } from '../../src/streams/index.js';
import { applyExtensions, concatMapEager } from '../../src/operators/index.js';

const text = (s: string): Message => ({ opcode: Opcode.Text, rsv1: false, rsv2: false, rsv3: false, data: new TextEncoder().encode(s) });
const decode = (m: Message) => new TextDecoder().decode(m.data);
const ticks = Array.from({ length: 20 }, (_, i) => text(JSON.stringify({ type: 'tick', seq: i, symbol: 'ACME', bid: 101.25 })));

// 1. Negotiation: the client offers, the server answers, the client accepts.
const client = new ClientNegotiator([new ClientPerMessageDeflateFactory()]);
const server = new ServerNegotiator([new ServerPerMessageDeflateFactory()]);
const offer = client.offer();
const answered = server.respond(offer);
const accepted = client.accept(answered.header);
console.log('offer:     ', offer);
console.log('response:  ', answered.header);

// 2. Streams: client messages → fragments → extensions → wire bytes → server.
const clientPipeline = createExtensionPipeline(accepted.sessions);
const serverPipeline = createExtensionPipeline(answered.sessions);
const wire: Uint8Array[] = [];
const received: string[] = [];
await new ReadableStream<Message>({
  start(controller) {
    for (const tick of ticks) controller.enqueue(tick);
    controller.close();
  },
})
  .pipeThrough(messageFragmenter({ maxFramePayload: 16 * 1024 }))
  .pipeThrough(clientPipeline.outgoing)
  .pipeThrough(frameEncoder({ mask: true }))
  .pipeThrough(new TransformStream({ transform: (bytes, c) => (wire.push(bytes), c.enqueue(bytes)) }))
  .pipeThrough(frameDecoder({ role: 'server', allowedRsv: answered.allowedRsv }))
  .pipeThrough(serverPipeline.incoming)
  .pipeThrough(messageAssembler())
  .pipeTo(new WritableStream({ write: (m) => void received.push(decode(m as Message)) }));
const sent = ticks.reduce((n, m) => n + m.data.length, 0);
const onWire = wire.reduce((n, b) => n + b.length, 0);
console.log(`streams:    ${received.length} messages, ${sent} B of JSON as ${onWire} B on the wire`);

// 3. The same codec as a bare stream stage outside any connection.
const asFrame = (m: Message) => ({ ...m, fin: true, payload: m.data });
const roundTrip = await new ReadableStream({ start: (c) => (ticks.forEach((t) => c.enqueue(asFrame(t))), c.close()) })
  .pipeThrough(deflate())
  .pipeThrough(inflate())
  .getReader()
  .read();
console.log('deflate(): ', new TextDecoder().decode(roundTrip.value!.payload) === decode(ticks[0]!) ? 'round trip intact' : 'MISMATCH');

// 4. Rx: the negotiated sessions as operators, and ordered concurrency.
const rx = applyExtensions(client.accept(answered.header).sessions);
const frames = await lastValueFrom(
  from(ticks.map(asFrame)).pipe(rx.outgoing, toArray()),
);
console.log(`operators:  ${frames.length} frames out, RSV1 set on ${frames.filter((f) => f.rsv1).length}`);
const ordered = await lastValueFrom(
  from([30, 10, 20]).pipe(
    concatMapEager((ms) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)), 3),
    map(String),
    toArray(),
  ),
);
console.log('concatMapEager: finished 10, 20, 30 — emitted', ordered.join(', '));
// close() resolves once every direction has ended and each session is closed;
// the directions this tour never used are cancelled by hand.
await Promise.all([clientPipeline.incoming.readable.cancel(), serverPipeline.outgoing.readable.cancel()]);
await Promise.all([clientPipeline.close(), serverPipeline.close()]);
