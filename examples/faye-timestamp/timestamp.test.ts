import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { share } from 'rxjs';
import { fayeClientFactory, fayeServerFactory, type FayeMessage } from '../../src/negotiation/index.js';
import { InvalidDataError, Opcode } from '../../src/protocol/index.js';
import {
  accepted,
  closeWith,
  declined,
  expectSameOnStreams,
  handshake,
  message,
  runMarbles,
  serverNegotiation,
} from '../../marbles/index.js';
import { timestampPlugin } from './index.js';

// faye's own extension container (CommonJS), to show the plugin runs there unchanged.
const require = createRequire(import.meta.url);
interface FayeExtensions {
  add(plugin: unknown): void;
  generateResponse(header: string): string | null;
  processIncomingMessage(message: FayeMessage, callback: (error: Error | null, message: FayeMessage) => void): void;
  processOutgoingMessage(message: FayeMessage, callback: (error: Error | null, message: FayeMessage) => void): void;
}
const Extensions = require('websocket-extensions') as new () => FayeExtensions;

/** 1000.0 as a big-endian float64: what a clock stuck at 1000 ms stamps. */
const STAMP_1000 = '<40 8f 40 00 00 00 00 00>';

describe('x-timestamp through the faye adapter', () => {
  it('negotiates: a bare offer is accepted, one with parameters declined', async () => {
    await runMarbles(({ headers, expectObservable }) => {
      const requests = headers('ab|', { a: 'x-timestamp', b: 'x-timestamp; precision=us' });
      expectObservable(requests.pipe(serverNegotiation([fayeServerFactory(timestampPlugin())]))).toBe('ab|', {
        a: accepted('x-timestamp'),
        b: declined(),
      });
    });
  });

  it('stamps outgoing messages and reports latency on the way in — byte-exact', async () => {
    const latencies: number[] = [];
    const { client } = handshake([fayeClientFactory(timestampPlugin({ now: () => 1000 }))], [fayeServerFactory(timestampPlugin())]);
    const { server } = handshake(
      [fayeClientFactory(timestampPlugin())],
      [fayeServerFactory(timestampPlugin({ now: () => 1250, onLatency: (ms) => latencies.push(ms) }))],
    );
    await runMarbles(({ cold, send, receive, expectObservable }) => {
      const wire = send(client, cold('a-b|', { a: 't"hi"', b: 'b<01>' })).pipe(share());
      expectObservable(wire).toBe('a-b|', { a: `T"hi"${STAMP_1000}`, b: `B<01>${STAMP_1000}` });
      expectObservable(receive(server, wire)).toBe('a-b|', { a: 't"hi"', b: 'b<01>' });
    });
    expect(latencies).toEqual([250, 250]);
  });

  it('refuses a message too short to hold a stamp (the faye adapter reports an incoming failure as 1007)', async () => {
    const { server } = handshake([fayeClientFactory(timestampPlugin())], [fayeServerFactory(timestampPlugin())]);
    await runMarbles(({ cold, receive, expectObservable }) => {
      expectObservable(receive(server, cold('a|', { a: 'B<01 02>' }))).toBe('#', {}, closeWith(InvalidDataError, 1007, /cannot hold its timestamp/));
    });
  });

  it('runs unchanged in faye’s own websocket-extensions container, talking to wsx', async () => {
    const latencies: number[] = [];
    const faye = new Extensions();
    faye.add(timestampPlugin({ onLatency: (ms) => latencies.push(ms) }));
    // A clock read once, so both faces of the wsx side stamp the same bytes.
    const sentAt = Date.now();
    const wsx = () => handshake([fayeClientFactory(timestampPlugin({ now: () => sentAt }))], [fayeServerFactory(timestampPlugin())]);
    expect(faye.generateResponse(wsx().offer!)).toBe('x-timestamp');
    // wsx client → faye server (each face gets fresh sessions: expectSameOnStreams closes them)
    const sent = await expectSameOnStreams({ sessions: () => wsx().client, direction: 'send', input: ['t"from wsx"'] });
    const received = await new Promise<FayeMessage>((resolve, reject) =>
      faye.processIncomingMessage({ ...toFaye(sent.values[0]!), opcode: Opcode.Text }, (e, m) => (e ? reject(e) : resolve(m))),
    );
    expect(new TextDecoder().decode(received.data)).toBe('from wsx');
    expect(latencies[0]).toBeGreaterThanOrEqual(0);
    expect(latencies[0]).toBeLessThan(5_000);
    // faye server → wsx client
    const stamped = await new Promise<FayeMessage>((resolve, reject) =>
      faye.processOutgoingMessage(
        { rsv1: false, rsv2: false, rsv3: false, opcode: Opcode.Binary, data: Buffer.from([7, 8, 9]) },
        (e, m) => (e ? reject(e) : resolve(m)),
      ),
    );
    await expectSameOnStreams({
      sessions: () => wsx().client,
      direction: 'receive',
      input: [{ opcode: stamped.opcode, rsv1: false, rsv2: false, rsv3: false, data: new Uint8Array(stamped.data) }],
      expected: [message('b<07 08 09>')],
    });
  });
});

function toFaye(frame: unknown): FayeMessage {
  const f = frame as { opcode: number; payload: Uint8Array };
  return { rsv1: false, rsv2: false, rsv3: false, opcode: f.opcode, data: Buffer.from(f.payload) };
}
