// The four example extensions through both faces (operators and
// TransformStreams), on both stream implementations, with permessage-deflate
// in front so that fragmented, compressed messages reach every stage form.
import { describe, it } from 'vitest';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../src/deflate/index.js';
import { fayeClientFactory, fayeServerFactory, fromPythonStyleClientFactory, fromPythonStyleServerFactory } from '../../src/negotiation/index.js';
import type { ClientExtensionFactory, ServerExtensionFactory } from '../../src/protocol/index.js';
import { expectSameOnStreams, handshake } from '../../marbles/index.js';
import { AesGcmClientFactory, AesGcmServerFactory } from '../../examples/aes-gcm/index.js';
import { timestampPlugin } from '../../examples/faye-timestamp/index.js';
import { ClientCrc32Factory, ServerCrc32Factory } from '../../examples/python-crc32/index.js';
import { TraceClientFactory, TraceServerFactory } from '../../examples/trace/index.js';

const messages = ['t"hello"', 'b<00 01 02>*2000', 't"ünïcödé "*300', 'b""', 't"x"*70000'];

const examples: [string, () => Promise<[ClientExtensionFactory, ServerExtensionFactory]>][] = [
  ['x-aes-gcm', async () => Promise.all([AesGcmClientFactory.create(), AesGcmServerFactory.create()])],
  ['x-trace', async () => [new TraceClientFactory(), new TraceServerFactory()]],
  ['x-crc32', async () => [fromPythonStyleClientFactory(new ClientCrc32Factory()), fromPythonStyleServerFactory(new ServerCrc32Factory())]],
  ['x-timestamp', async () => [fayeClientFactory(timestampPlugin()), fayeServerFactory(timestampPlugin())]],
];

describe('example extensions on both faces', () => {
  for (const [name, factories] of examples) {
    it(`${name} after permessage-deflate round-trips identically`, async () => {
      const [client, server] = await factories();
      await expectSameOnStreams({
        sessions: () => {
          const h = handshake([new ClientPerMessageDeflateFactory(), client], [new ServerPerMessageDeflateFactory(), server]);
          return { send: h.client, receive: h.server };
        },
        direction: 'round-trip',
        input: messages,
        maxFramePayload: 4096,
        expected: messages,
      });
    });
  }
});
