import { describe, expect, it } from 'vitest';
import { tap } from 'rxjs';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../src/deflate/index.js';
import { NegotiationError, type Frame } from '../../src/protocol/index.js';
import { accepted, clientNegotiation, closeWith, declined, expectSameOnStreams, frame, handshake, like, runMarbles, serverNegotiation } from '../../marbles/index.js';
import { TraceClientFactory, TraceServerFactory, type TraceEvent, type TrafficMetrics } from './index.js';

describe('x-trace negotiation', () => {
  it('server echoes the offered id, invents one when none is offered, declines bad offers', async () => {
    await runMarbles(({ headers, expectObservable }) => {
      const requests = headers('abcde|', {
        a: 'x-trace; trace_id=abc123',
        b: 'x-trace',
        c: 'x-trace; trace_id=a.b', // a token, but not a valid trace id
        d: 'x-trace; trace_id=a; trace_id=b',
        e: 'x-trace; colour=blue',
      });
      expectObservable(requests.pipe(serverNegotiation([new TraceServerFactory()]))).toBe('abcde|', {
        a: accepted('x-trace; trace_id=abc123'),
        b: accepted('x-trace'),
        c: declined(),
        d: declined(),
        e: declined(),
      });
    });
  });

  it('client refuses an id it did not offer (1010)', async () => {
    await runMarbles(({ headers, expectObservable }) => {
      expectObservable(headers('a|', { a: 'x-trace; trace_id=someone-else' }).pipe(clientNegotiation([new TraceClientFactory()]))).toBe(
        '#',
        {},
        closeWith(NegotiationError, 1010),
      );
    });
  });

  it('both ends share one trace id', () => {
    const ids: string[] = [];
    const onSession = (m: TrafficMetrics) => ids.push(m.traceId);
    handshake([new TraceClientFactory({ onSession })], [new TraceServerFactory({ onSession })]);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('x-trace on the wire', () => {
  it('counts frames and bytes per direction and passes payloads through untouched', async () => {
    const metrics: TrafficMetrics[] = [];
    const events: TraceEvent[] = [];
    const { client } = handshake([new TraceClientFactory({ onSession: (m) => metrics.push(m), onFrame: (e) => events.push(e) })], [new TraceServerFactory()]);
    const sent = frame('B~"0123456789"');
    const seen: Frame[] = [];
    await runMarbles(({ cold, send, receive, expectObservable }) => {
      const out = send(client, cold('a-b|', { a: sent, b: 'C"!"' })).pipe(tap((f) => seen.push(f)));
      expectObservable(out).toBe('a-b|', { a: 'B~"0123456789"', b: 'C"!"' });
      expectObservable(receive(client, cold('a-p-b|', { a: 'T~"he"', p: 'P"ping"', b: 'C"llo"' }))).toBe('--p-b|', {
        p: 'P"ping"',
        b: 't"hello"',
      });
    });
    expect(seen[0]!.payload).toBe(sent.payload); // the very same bytes, not a copy
    expect(metrics[0]!.snapshot()).toEqual({
      traceId: metrics[0]!.traceId,
      outgoing: { frames: 2, messages: 1, bytes: 11, rsv1Frames: 0 },
      // control frames bypass extensions: the ping is not counted
      incoming: { frames: 2, messages: 1, bytes: 5, rsv1Frames: 0 },
    });
    expect(events.map((e) => `${e.direction} ${e.opcode} ${e.fin} ${e.length}`)).toEqual([
      'outgoing 2 false 10',
      'incoming 1 false 2',
      'outgoing 0 true 1',
      'incoming 0 true 3',
    ]);
  });

  it('measures wire bytes after permessage-deflate, application bytes before it', async () => {
    const measure = async (traceLast: boolean) => {
      let metrics: TrafficMetrics | undefined;
      const trace = new TraceClientFactory({ onSession: (m) => (metrics = m) });
      const deflate = new ClientPerMessageDeflateFactory();
      const { client } = handshake(traceLast ? [deflate, trace] : [trace, deflate], [new ServerPerMessageDeflateFactory(), new TraceServerFactory()]);
      await runMarbles(({ cold, send, expectObservable }) => {
        expectObservable(send(client, cold('a|', { a: 't"abcdefgh"*500' }))).toBe('a|', { a: like('T1', (p) => p.length < 200) });
      });
      return metrics!.snapshot().outgoing;
    };
    expect(await measure(true)).toMatchObject({ frames: 1, rsv1Frames: 1 });
    expect((await measure(true)).bytes).toBeLessThan(200);
    expect(await measure(false)).toEqual({ frames: 1, messages: 1, bytes: 4000, rsv1Frames: 0 });
  });

  it('behaves the same as TransformStreams and as operators', async () => {
    const input = ['T~"a"', 'C"b"', 'B<00>*70000'];
    await expectSameOnStreams({
      sessions: () => handshake([new TraceClientFactory()], [new TraceServerFactory()]).client,
      direction: 'send',
      input,
      expected: input,
    });
  });
});
