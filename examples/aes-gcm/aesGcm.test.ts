import { describe, expect, it } from 'vitest';
import { map, share } from 'rxjs';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../src/deflate/index.js';
import { parseExtensionHeader, serializeExtensionHeader } from '../../src/negotiation/index.js';
import { InvalidDataError, NegotiationError, PolicyViolationError, type Frame } from '../../src/protocol/index.js';
import {
  accepted,
  closeWith,
  declined,
  expectSameOnStreams,
  handshake,
  like,
  runMarbles,
  serverNegotiation,
  clientNegotiation,
} from '../../marbles/index.js';
import { AesGcmClientFactory, AesGcmServerFactory } from './index.js';
import { encodeBase64url } from './base64url.js';

const sealedLength = (plain: number) => (p: Uint8Array) => p.length === plain + 16;

async function aesPair(options: Parameters<typeof AesGcmClientFactory.create>[0] = {}) {
  const [client, server] = await Promise.all([AesGcmClientFactory.create(options), AesGcmServerFactory.create(options)]);
  return handshake([client], [server]);
}

describe('x-aes-gcm negotiation', () => {
  it('agrees on keys through offer and response parameters', async () => {
    const h = await aesPair();
    const offer = parseExtensionHeader(h.offer!)[0]!;
    const response = parseExtensionHeader(h.response!)[0]!;
    expect(offer.params.map(([n]) => n)).toEqual(['client_key', 'client_nonce']);
    expect(response.params.map(([n]) => n)).toEqual(['server_key', 'server_nonce', 'client_nonce']);
    expect(response.params[2]![1]).toBe(offer.params[1]![1]);
    expect(h.client[0]!.rsv).toEqual({ rsv2: true });
  });

  it('server declines offers it cannot use', async () => {
    const server = await AesGcmServerFactory.create();
    const good = (await AesGcmClientFactory.create()).offer()[0]!;
    const withParams = (params: (readonly [string, string | true])[]) => serializeExtensionHeader([{ name: 'x-aes-gcm', params }]);
    const [key, nonce] = good;
    const offCurve = new Uint8Array(65);
    offCurve[0] = 4;
    offCurve[64] = 1; // (0, 1) is not on P-256
    await runMarbles(({ headers, expectObservable }) => {
      const requests = headers('abcdefg|', {
        a: withParams([...good]),
        b: withParams([key!]), // nonce missing
        c: withParams([key!, nonce!, ['extra', '1']]), // unknown parameter
        d: withParams([['client_key', encodeBase64url(offCurve)], nonce!]),
        e: withParams([key!, ['client_nonce', 'AAAA']]), // nonce too short
        f: withParams([key!, nonce!, nonce!]), // duplicate
        // a bad first offer, then a usable one: the server takes the second
        g: `${withParams([key!, ['client_nonce', true]])}, ${withParams([...good])}`,
      });
      expectObservable(requests.pipe(serverNegotiation([server]))).toBe('abcdefg|', {
        a: accepted('x-aes-gcm'),
        b: declined(),
        c: declined(),
        d: declined(),
        e: declined(),
        f: declined(),
        g: accepted('x-aes-gcm'),
      });
    });
  });

  it('client fails the connection (1010) on a response it cannot use', async () => {
    const client = await AesGcmClientFactory.create();
    const server = await AesGcmServerFactory.create();
    const serverParams = (await AesGcmClientFactory.create()).offer()[0]!; // a valid point to reuse as a "server key"
    const foreign = serializeExtensionHeader([
      { name: 'x-aes-gcm', params: [['server_key', serverParams[0]![1]], ['server_nonce', serverParams[1]![1]], ['client_nonce', serverParams[1]![1]]] },
    ]);
    void server;
    await runMarbles(({ headers, expectObservable }) => {
      // The echoed client nonce belongs to no offer of this client.
      expectObservable(headers('a|', { a: foreign }).pipe(clientNegotiation([client]))).toBe('#', {}, closeWith(NegotiationError, 1010));
    });
    await runMarbles(({ headers, expectObservable }) => {
      expectObservable(headers('a|', { a: 'x-aes-gcm; server_key=AAAA' }).pipe(clientNegotiation([client]))).toBe(
        '#',
        {},
        closeWith(NegotiationError, 1010),
      );
    });
  });
});

describe('x-aes-gcm on the wire', () => {
  it('encrypts every message (RSV2) and the peer decrypts it', async () => {
    const { client, server } = await aesPair();
    await runMarbles(({ cold, send, receive, expectObservable }) => {
      const app = cold('a-b-c|', { a: 't"hello"', b: 'b<00 01 02>', c: 't""' });
      // One subscription to the client's stages: sessions are stateful (message counters).
      const wire = send(client, app).pipe(share());
      expectObservable(wire).toBe('a-b-c|', {
        a: like('T2', sealedLength(5), '5 bytes + tag'),
        b: like('B2', sealedLength(3), '3 bytes + tag'),
        c: like('T2', sealedLength(0), 'tag only'),
      });
      expectObservable(receive(server, wire)).toBe('a-b-c|', { a: 't"hello"', b: 'b<00 01 02>', c: 't""' });
    });
  });

  it('keeps wire order when encryption finishes out of order', async () => {
    const { client, server } = await aesPair({ concurrency: 3 });
    await runMarbles(({ cold, send, receive, withLatency, expectObservable }) => {
      // Message a takes 30 ms, b 10, c 20: b and c are sealed first but leave after a.
      const slowClient = withLatency(client[0]!, { outgoing: [30, 10, 20] });
      const app = cold('abc|', { a: 't"first"', b: 't"second"', c: 't"third"' });
      // Counter IVs: had b left before a, the server would fail authentication.
      expectObservable(receive(server, send(slowClient, app))).toBe('30ms (abc|)', {
        a: 't"first"',
        b: 't"second"',
        c: 't"third"',
      });
    });
  });

  it('fails with 1007 on a forged, replayed or reordered message', async () => {
    const flipLastByte = map((f: Frame) => {
      const payload = f.payload.slice();
      payload[payload.length - 1]! ^= 1;
      return { ...f, payload };
    });
    for (const tamper of ['forge', 'replay', 'reorder'] as const) {
      const { client, server } = await aesPair();
      await runMarbles(({ cold, send, receive, expectObservable }) => {
        const sealed: Frame[] = [];
        const app = cold('a-b|', { a: 't"one"', b: 't"two"' });
        send(client, app).subscribe((f) => sealed.push(f));
        // Replays the sealed frames once both exist (frame 2), tampered with.
        const wire = cold('---a-b|', { a: 'T"placeholder"', b: 'T"placeholder"' }).pipe(
          map((_f, i) => {
            if (tamper === 'replay') return sealed[0]!;
            if (tamper === 'reorder') return sealed[1 - i]!;
            return sealed[i]!;
          }),
          tamper === 'forge' ? flipLastByte : map((f: Frame) => f),
        );
        const expected = tamper === 'replay' ? '---a-#' : '---#';
        expectObservable(receive(server, wire)).toBe(expected, { a: 't"one"' }, closeWith(InvalidDataError, 1007));
      });
    }
  });

  it('refuses unencrypted messages with 1008 unless allowed', async () => {
    const strict = await aesPair();
    await runMarbles(({ cold, receive, expectObservable }) => {
      expectObservable(receive(strict.server, cold('a|', { a: 'T"plain"' }))).toBe('#', {}, closeWith(PolicyViolationError, 1008));
    });
    const lax = await aesPair({ requireEncryption: false, encrypt: (m) => m.data.length > 3 });
    await runMarbles(({ cold, send, receive, expectObservable }) => {
      const wire = send(lax.client, cold('a-b|', { a: 't"hi"', b: 't"secret"' })).pipe(share());
      expectObservable(wire).toBe('a-b|', { a: 'T"hi"', b: like('T2', sealedLength(6)) });
      expectObservable(receive(lax.server, wire)).toBe('a-b|', { a: 't"hi"', b: 't"secret"' });
    });
  });

  it('composes with permessage-deflate: compress, then encrypt', async () => {
    const [aesClient, aesServer] = await Promise.all([AesGcmClientFactory.create(), AesGcmServerFactory.create()]);
    const { client, server, response } = handshake(
      [new ClientPerMessageDeflateFactory(), aesClient],
      [new ServerPerMessageDeflateFactory(), aesServer],
    );
    expect(client.map((s) => s.name)).toEqual(['permessage-deflate', 'x-aes-gcm']);
    expect(response).toMatch(/^permessage-deflate[^,]*, x-aes-gcm;/);
    await runMarbles(({ cold, send, receive, expectObservable }) => {
      const wire = send(client, cold('a|', { a: 't"all work and no play "*50' })).pipe(share());
      // 1150 bytes of repetitive text: small on the wire only if it was compressed *before* encryption.
      expectObservable(wire).toBe('a|', { a: like('T12', (p) => p.length < 100, 'compressed, then sealed') });
      expectObservable(receive(server, wire)).toBe('a|', { a: 't"all work and no play "*50' });
    });
  });

  it('behaves the same as TransformStreams and as operators', async () => {
    const [aesClient, aesServer] = await Promise.all([AesGcmClientFactory.create({ concurrency: 4 }), AesGcmServerFactory.create({ concurrency: 4 })]);
    const messages = ['t"a"', 'b<ff>*5000', 't"ünïcödé"', 'b""', 't"x"*70000'];
    await expectSameOnStreams({
      sessions: () => {
        const h = handshake([new ClientPerMessageDeflateFactory(), aesClient], [new ServerPerMessageDeflateFactory(), aesServer]);
        return { send: h.client, receive: h.server };
      },
      direction: 'round-trip',
      input: messages,
      maxFramePayload: 1000,
      expected: messages,
    });
  });
});
