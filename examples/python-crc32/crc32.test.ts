import { describe, expect, it } from 'vitest';
import { share } from 'rxjs';
import { fromPythonStyleClientFactory, fromPythonStyleServerFactory } from '../../src/negotiation/index.js';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../src/deflate/index.js';
import { InvalidDataError, PayloadTooBigError, ProtocolError } from '../../src/protocol/index.js';
import { accepted, closeWith, declined, expectSameOnStreams, handshake, like, runMarbles, serverNegotiation } from '../../marbles/index.js';
import { ClientCrc32Factory, ServerCrc32Factory, crc32 } from './index.js';

const client = () => fromPythonStyleClientFactory(new ClientCrc32Factory());
const server = () => fromPythonStyleServerFactory(new ServerCrc32Factory());

describe('crc32', () => {
  it('matches the IEEE check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('x-crc32 through the Python-style adapter', () => {
  it('negotiates: accepts a bare offer, passes on offers with parameters', async () => {
    await runMarbles(({ headers, expectObservable }) => {
      const requests = headers('abc|', {
        a: 'x-crc32',
        b: 'x-crc32; strength=9',
        c: 'x-crc32; strength=9, x-crc32', // the second offer is usable
      });
      expectObservable(requests.pipe(serverNegotiation([server()]))).toBe('abc|', {
        a: accepted('x-crc32'),
        b: declined(),
        c: accepted('x-crc32'),
      });
    });
    const h = handshake([client()], [server()]);
    expect(h.response).toBe('x-crc32');
    expect(h.client[0]!.rsv).toEqual({ rsv3: true });
  });

  it('appends a checksum to every frame and sets RSV3 — byte-exact on the wire', async () => {
    const { client: sessions } = handshake([client()], [server()]);
    await runMarbles(({ cold, send, expectObservable }) => {
      const app = cold('a-b|', { a: 't"hello"', b: 'B~"hel"' });
      expectObservable(send(sessions, app)).toBe('a-b|', {
        a: 'T3"hello"<36 10 a6 86>',
        b: 'B3~"hel"<e5 0b f1 1b>',
      });
    });
  });

  it('checks and strips checksums per frame on the way in', async () => {
    const { server: sessions } = handshake([client()], [server()]);
    await runMarbles(({ cold, receive, expectObservable }) => {
      const wire = cold('a-b-c|', { a: 'T3~"hel"<e5 0b f1 1b>', b: 'C3"lo"<55 9c 4a 9d>', c: 'B3""<00 00 00 00>' });
      expectObservable(receive(sessions, wire)).toBe('--b-c|', { b: 't"hello"', c: 'b""' });
    });
  });

  it('fails the direction on corruption (1007), a missing mark (1002) or an oversized frame (1009)', async () => {
    const cases = [
      { wire: 'T3"hellp"<36 10 a6 86>', error: closeWith(InvalidDataError, 1007, /checksum mismatch/) },
      { wire: 'T3"ab"', error: closeWith(InvalidDataError, 1007, /cannot hold a checksum/) },
      { wire: 'T"hello"', error: closeWith(ProtocolError, 1002) },
      { wire: `B3"${'x'.repeat(20)}"<00 00 00 00>`, error: closeWith(PayloadTooBigError, 1009) },
    ];
    for (const { wire, error } of cases) {
      const { server: sessions } = handshake([client()], [server()], { maxMessageSize: 16 });
      await runMarbles(({ cold, receive, expectObservable }) => {
        expectObservable(receive(sessions, cold('a-b|', { a: 'T3"ok"<79 dc dd 47>', b: wire }))).toBe(
          'a-#',
          { a: 't"ok"' },
          error,
        );
      });
    }
  });

  it('composes with permessage-deflate (RSV1) and checksums the compressed bytes', async () => {
    const { client: c, server: s, response } = handshake(
      [new ClientPerMessageDeflateFactory(), client()],
      [new ServerPerMessageDeflateFactory(), server()],
    );
    expect(response).toMatch(/^permessage-deflate.*, x-crc32$/);
    await runMarbles(({ cold, send, receive, expectObservable }) => {
      // One subscription to the client's stages: the compressor keeps context between messages.
      const wire = send(c, cold('a|', { a: 't"checksum me "*100' })).pipe(share());
      expectObservable(wire).toBe('a|', { a: like('T13', (p) => p.length < 100, 'compressed + 4 bytes') });
      expectObservable(receive(s, wire)).toBe('a|', { a: 't"checksum me "*100' });
    });
  });

  it('behaves the same as TransformStreams and as operators', async () => {
    const messages = ['t"a"', 'b<00 ff>*3000', 't""'];
    await expectSameOnStreams({
      sessions: () => {
        const h = handshake([client()], [server()]);
        return { send: h.client, receive: h.server };
      },
      direction: 'round-trip',
      input: messages,
      maxFramePayload: 1000,
      expected: messages,
    });
  });
});
