import { describe, expect, it } from 'vitest';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../src/deflate/index.js';
import { ExtensionHeaderSyntaxError } from '../../src/negotiation/index.js';
import { NegotiationError } from '../../src/protocol/index.js';
import { accepted, clientNegotiation, closeWith, declined, handshake, runMarbles, serverNegotiation } from '../index.js';

describe('negotiation marbles', () => {
  it('server: offers in, accept or decline out', async () => {
    await runMarbles(({ headers, expectObservable }) => {
      const requests = headers('a-b-c-d|', {
        a: 'permessage-deflate; client_max_window_bits',
        b: 'x-unknown',
        c: 'permessage-deflate; server_max_window_bits=7', // out of range: declined, not failed
        d: null,
      });
      expectObservable(requests.pipe(serverNegotiation([new ServerPerMessageDeflateFactory()]))).toBe('a-b-c-d|', {
        a: accepted('permessage-deflate'),
        b: declined(),
        c: declined(),
        d: declined(),
      });
    });
  });

  it('server: a malformed header is a typed failure (HTTP 400)', async () => {
    await runMarbles(({ headers, expectObservable }) => {
      const requests = headers('a-b|', { a: 'permessage-deflate', b: 'permessage-deflate;;' });
      expectObservable(requests.pipe(serverNegotiation([new ServerPerMessageDeflateFactory()]))).toBe(
        'a-#',
        { a: accepted('permessage-deflate') },
        closeWith(ExtensionHeaderSyntaxError, 1010),
      );
    });
  });

  it('client: responses in, sessions or 1010 out', async () => {
    await runMarbles(({ headers, expectObservable }) => {
      const responses = headers('a-b-c|', {
        a: 'permessage-deflate; server_max_window_bits=10',
        b: null,
        c: 'permessage-deflate; server_max_window_bits=10; server_max_window_bits=11',
      });
      expectObservable(responses.pipe(clientNegotiation([new ClientPerMessageDeflateFactory()]))).toBe(
        'a-b-#',
        { a: accepted('permessage-deflate; server_max_window_bits=10'), b: declined() },
        closeWith(NegotiationError, 1010),
      );
    });
  });

  it('reports a wrong outcome with the agreed header', async () => {
    const run = runMarbles(({ headers, expectObservable }) => {
      const requests = headers('a|', { a: 'permessage-deflate' });
      expectObservable(requests.pipe(serverNegotiation([new ServerPerMessageDeflateFactory()]))).toBe('a|', { a: declined() });
    });
    await expect(run).rejects.toThrow(/a = declined\(\)   \(expected only\)\n    b = accepted "permessage-deflate[^"]*"   \(actual only\)/);
  });

  it('handshake() connects client and server factories', () => {
    const { offer, response, client, server } = handshake([new ClientPerMessageDeflateFactory()], [new ServerPerMessageDeflateFactory()]);
    expect(offer).toMatch(/^permessage-deflate/);
    expect(response).toMatch(/^permessage-deflate/);
    expect(client.map((s) => s.name)).toEqual(['permessage-deflate']);
    expect(server.map((s) => s.name)).toEqual(['permessage-deflate']);
    for (const s of [...client, ...server]) void s.close();
  });
});
