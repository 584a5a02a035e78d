import { firstValueFrom, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import {
  extensionHeader,
  negotiateClientUpgrade,
  negotiateServerUpgrades,
  type ClientUpgradeOutcome,
  type ServerUpgradeOutcome,
  type UpgradeMessageLike,
} from '../../src/operators/negotiate.js';
import { ExtensionHeaderSyntaxError } from '../../src/negotiation/headerSyntaxError.js';
import { ConnectionLostError } from '../../src/protocol/errors.js';
import type { ServerExtensionFactory } from '../../src/protocol/extension.js';
import type { Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { rollingXorClient, rollingXorServer, type RollingXorSession } from '../negotiation/support/rollingXor.js';

const marbles = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const msg = (headers: UpgradeMessageLike['headers']): UpgradeMessageLike => ({ headers });

/** What a marble diagram compares: the observable parts of an outcome, not live pipelines. */
function serverSummary(outcome: ServerUpgradeOutcome<UpgradeMessageLike>) {
  return outcome.ok
    ? { ok: true, headers: outcome.responseHeaders, extensions: outcome.negotiated.sessions.map((s) => s.name) }
    : { ok: false, status: outcome.httpStatus, error: outcome.error.name };
}
const clientSummary = (outcome: ClientUpgradeOutcome<UpgradeMessageLike>) => ({
  header: outcome.negotiated.header,
  extensions: outcome.negotiated.sessions.map((s) => s.name),
  rsv: outcome.negotiated.allowedRsv,
});

describe('negotiateServerUpgrades (marbles)', () => {
  it('answers each request: success, decline, unknown offer, malformed header, crashing factory', () => {
    const crashing: ServerExtensionFactory = {
      name: 'x-crash',
      respond() {
        throw new RangeError('factory bug');
      },
    };
    marbles().run(({ cold, expectObservable }) => {
      const requests = cold('a-b-c-d-e|', {
        a: msg({ 'sec-websocket-extensions': 'x-rolling-xor; key=5' }),
        b: msg({ host: 'example' }),
        c: msg({ 'Sec-WebSocket-Extensions': ['x-unknown', 'x-rolling-xor; key=999'] }),
        d: msg(new Headers({ 'Sec-WebSocket-Extensions': 'x-rolling-xor;;' })),
        e: msg({ 'sec-websocket-extensions': 'x-crash' }),
      });
      const outcomes = requests.pipe(negotiateServerUpgrades([rollingXorServer('message'), crashing]), map(serverSummary));
      expectObservable(outcomes).toBe('a-b-c-d-e|', {
        a: { ok: true, headers: { 'Sec-WebSocket-Extensions': 'x-rolling-xor; key=5' }, extensions: ['x-rolling-xor'] },
        b: { ok: true, headers: {}, extensions: [] },
        c: { ok: true, headers: {}, extensions: [] }, // declined: not an error (RFC 7692 §7)
        d: { ok: false, status: 400, error: 'ExtensionHeaderSyntaxError' },
        e: { ok: false, status: 500, error: 'RangeError' },
      });
    });
  });

  it('keeps serving after a refused request, and errors only if the request stream does', () => {
    marbles().run(({ hot, expectObservable }) => {
      const requests = hot('-a-b-#', {
        a: msg({ 'sec-websocket-extensions': '"' }),
        b: msg({ 'sec-websocket-extensions': 'x-rolling-xor; key=1' }),
      });
      expectObservable(requests.pipe(negotiateServerUpgrades([rollingXorServer('frame')]), map((o) => o.ok))).toBe('-a-b-#', {
        a: false,
        b: true,
      });
    });
  });
});

describe('negotiateClientUpgrade (marbles)', () => {
  it('offers in the request headers', () => {
    expect(negotiateClientUpgrade([rollingXorClient('message', 9)]).requestHeaders).toEqual({
      'Sec-WebSocket-Extensions': 'x-rolling-xor; key=9',
    });
    expect(negotiateClientUpgrade([]).requestHeaders).toEqual({});
  });

  it('emits the active pipeline once the response arrives (success)', () => {
    const upgrade = negotiateClientUpgrade([rollingXorClient('message', 9)]);
    marbles().run(({ cold, expectObservable }) => {
      const response = cold('---r|', { r: msg({ 'sec-websocket-extensions': 'x-rolling-xor; key=9' }) });
      expectObservable(upgrade.accept(response).pipe(map(clientSummary))).toBe('---(p|)', {
        p: { header: 'x-rolling-xor; key=9', extensions: ['x-rolling-xor'], rsv: { rsv1: false, rsv2: true, rsv3: false } },
      });
    });
  });

  it('emits a pipeline without extensions when the server declined (decline)', () => {
    const upgrade = negotiateClientUpgrade([rollingXorClient('message', 9)]);
    marbles().run(({ cold, expectObservable }) => {
      const response = cold('--r-|', { r: msg(new Headers({ Upgrade: 'websocket' })) });
      expectObservable(upgrade.accept(response).pipe(map(clientSummary))).toBe('--(p|)', {
        p: { header: null, extensions: [], rsv: { rsv1: false, rsv2: false, rsv3: false } },
      });
    });
  });

  it('fails with a NegotiationError when the response cannot be accepted (failure)', () => {
    marbles().run(({ cold, expectObservable }) => {
      const notOffered = cold('--r|', { r: msg({ 'sec-websocket-extensions': 'x-other' }) });
      expectObservable(negotiateClientUpgrade([rollingXorClient('message', 9)]).accept(notOffered)).toBe(
        '--#',
        undefined,
        expect.objectContaining({ name: 'NegotiationError', closeCode: 1010, message: expect.stringMatching(/not offered/) }),
      );
      const badParams = cold('-r|', { r: msg({ 'sec-websocket-extensions': 'x-rolling-xor; key=300' }) });
      expectObservable(negotiateClientUpgrade([rollingXorClient('message', 9)]).accept(badParams)).toBe(
        '-#',
        undefined,
        expect.objectContaining({ name: 'InvalidParameterValue', closeCode: 1010 }),
      );
      const malformed = cold('-r|', { r: msg({ 'sec-websocket-extensions': 'x-rolling-xor; key="' }) });
      expectObservable(negotiateClientUpgrade([rollingXorClient('message', 9)]).accept(malformed)).toBe(
        '-#',
        undefined,
        expect.any(ExtensionHeaderSyntaxError),
      );
    });
  });

  it('fails with ConnectionLostError when no response comes', () => {
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(negotiateClientUpgrade([rollingXorClient('message', 9)]).accept(cold<UpgradeMessageLike>('----|'))).toBe(
        '----#',
        undefined,
        expect.any(ConnectionLostError),
      );
    });
  });

  it('negotiates once however many subscribe', () => {
    const created: RollingXorSession[] = [];
    const upgrade = negotiateClientUpgrade([rollingXorClient('message', 9, created)]);
    marbles().run(({ cold, expectObservable }) => {
      const active = upgrade.accept(cold('-r|', { r: msg({ 'sec-websocket-extensions': 'x-rolling-xor; key=9' }) }));
      const names = active.pipe(map((o) => o.negotiated.sessions.length));
      expectObservable(names).toBe('-(n|)', { n: 1 });
      expectObservable(names).toBe('-(n|)', { n: 1 });
    });
    expect(created).toHaveLength(1);
  });
});

describe('the negotiated pipelines carry traffic', () => {
  it('client outgoing → server incoming through the pipelines the operators built', async () => {
    const upgrade = negotiateClientUpgrade([rollingXorClient('transform', 77)]);
    const request = msg({ 'sec-websocket-extensions': upgrade.requestHeaders['Sec-WebSocket-Extensions']! });
    const serverOutcome = await firstValueFrom(of(request).pipe(negotiateServerUpgrades([rollingXorServer('frame')])));
    if (!serverOutcome.ok) throw serverOutcome.error;
    const response = msg({ 'sec-websocket-extensions': serverOutcome.responseHeaders['Sec-WebSocket-Extensions']! });
    const client = await firstValueFrom(upgrade.accept(of(response)));

    const frames: Frame[] = ['one', 'two', 'three'].map((t) => ({
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode: Opcode.Text,
      payload: new TextEncoder().encode(t),
    }));
    const writer = client.pipeline.outgoing.writable.getWriter();
    const wire = client.pipeline.outgoing.readable.pipeThrough(serverOutcome.pipeline.incoming);
    const reader = wire.getReader();
    const received: string[] = [];
    for (const frame of frames) {
      void writer.write(frame);
      const { value } = await reader.read();
      received.push(new TextDecoder().decode(value!.payload));
    }
    expect(received).toEqual(['one', 'two', 'three']);
    await writer.close();
    expect((await reader.read()).done).toBe(true);
    await Promise.all([client.pipeline.abort(), serverOutcome.pipeline.abort()]);
  });

  it('finds the header in records case-insensitively and in fetch Headers', () => {
    expect(extensionHeader({ 'SEC-WEBSOCKET-EXTENSIONS': 'a', 'sec-websocket-extensions': ['b', 'c'] })).toEqual(['a', 'b', 'c']);
    expect(extensionHeader({ __proto__: 'x' } as never)).toBeUndefined();
    const headers = new Headers();
    headers.append('Sec-WebSocket-Extensions', 'a');
    headers.append('Sec-WebSocket-Extensions', 'b');
    expect(extensionHeader(headers)).toBe('a, b');
    expect(extensionHeader(new Headers())).toBeUndefined();
  });
});
