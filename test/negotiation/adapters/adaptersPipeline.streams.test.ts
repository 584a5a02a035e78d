// End to end over the real stream stack: adapted extensions (faye's real
// permessage-deflate, a wsx extension in each stage form, a Python-style one)
// negotiated by the wsx negotiators, run by createExtensionPipeline between a
// frame encoder and a frame decoder that allows exactly the negotiated RSV bits.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fayeClientFactory, fayeServerFactory } from '../../../src/negotiation/adapters/fromFayePlugin.js';
import type { FayePlugin } from '../../../src/negotiation/adapters/fayeModel.js';
import { fromPythonStyleClientFactory, fromPythonStyleServerFactory } from '../../../src/negotiation/adapters/pythonStyle.js';
import { ClientNegotiator } from '../../../src/negotiation/clientNegotiator.js';
import { ServerNegotiator } from '../../../src/negotiation/serverNegotiator.js';
import type { RsvBits } from '../../../src/protocol/frame.js';
import type { Message } from '../../../src/protocol/message.js';
import { Opcode } from '../../../src/protocol/opcodes.js';
import { ProtocolError } from '../../../src/protocol/errors.js';
import type { ExtensionSession } from '../../../src/protocol/extension.js';
import { createExtensionPipeline } from '../../../src/streams/extensionPipeline.js';
import { frameDecoder, frameEncoder } from '../../../src/streams/frameCodec.js';
import { isMessage, messageAssembler, messageFragmenter } from '../../../src/streams/messageCodec.js';
import { ClientDeflateFrameFactory, ServerDeflateFrameFactory } from '../support/pythonStyleDeflateFrame.js';
import { rollingXorClient, rollingXorServer, type StageForm } from '../support/rollingXor.js';

const require = createRequire(import.meta.url);
const deflate = require('permessage-deflate') as FayePlugin;

const encoder = new TextEncoder();
const messages: Message[] = [
  ...Array.from({ length: 12 }, (_, i): Message => ({
    opcode: Opcode.Text,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    data: encoder.encode(`message ${i}: ${'abcdefgh'.repeat(i * 30)}`),
  })),
  { opcode: Opcode.Binary, rsv1: false, rsv2: false, rsv3: false, data: new Uint8Array(5000).map((_, i) => (i * 7) & 0xff) },
];

/** Client messages → fragments → client outgoing pipeline → bytes → server decoder → server incoming pipeline → messages. */
async function transmit(client: readonly ExtensionSession[], server: readonly ExtensionSession[], allowedRsv: Partial<RsvBits>) {
  const clientPipeline = createExtensionPipeline(client);
  const serverPipeline = createExtensionPipeline(server);
  const source = new ReadableStream<Message>({
    start(controller) {
      for (const m of messages) controller.enqueue(m);
      controller.close();
    },
  });
  const received: Message[] = [];
  try {
    await source
      .pipeThrough(messageFragmenter({ maxFramePayload: 700 }))
      .pipeThrough(clientPipeline.outgoing)
      .pipeThrough(frameEncoder({ mask: true }))
      .pipeThrough(frameDecoder({ role: 'server', allowedRsv }))
      .pipeThrough(serverPipeline.incoming)
      .pipeThrough(messageAssembler())
      .pipeTo(
        new WritableStream({
          write(item) {
            if (isMessage(item)) received.push(item);
          },
        }),
      );
  } finally {
    // Nothing runs in the other directions: end them so the pipelines can close.
    await Promise.allSettled([clientPipeline.incoming.writable.close(), serverPipeline.outgoing.writable.close()]);
    await Promise.allSettled([clientPipeline.incoming.readable.cancel(), serverPipeline.outgoing.readable.cancel()]);
    await Promise.all([clientPipeline.close(), serverPipeline.close()]);
  }
  return received;
}

describe('adapted extensions in the wsx stream pipeline', () => {
  it.each<StageForm>(['message', 'frame', 'transform'])(
    "faye's permessage-deflate + x-rolling-xor (%s) + Python-style deflate-frame negotiate and round-trip",
    async (form) => {
      const client = new ClientNegotiator([
        fayeClientFactory(deflate),
        rollingXorClient(form, 200),
        fromPythonStyleClientFactory(new ClientDeflateFrameFactory()),
      ]);
      const server = new ServerNegotiator([
        fayeServerFactory(deflate),
        rollingXorServer(form),
        fromPythonStyleServerFactory(new ServerDeflateFrameFactory()),
      ]);
      const serverSide = server.respond(client.offer());
      // deflate-frame also wants RSV1, held by permessage-deflate: the server declines it
      expect(serverSide.header).toBe('permessage-deflate, x-rolling-xor; key=200');
      const clientSide = client.accept(serverSide.header);
      expect(serverSide.allowedRsv).toEqual({ rsv1: true, rsv2: true, rsv3: false });

      const received = await transmit(clientSide.sessions, serverSide.sessions, serverSide.allowedRsv);
      expect(received.map((m) => [m.opcode, m.rsv1, m.rsv2, m.rsv3])).toEqual(messages.map((m) => [m.opcode, false, false, false]));
      expect(received.map((m) => Buffer.from(m.data).toString('hex'))).toEqual(messages.map((m) => Buffer.from(m.data).toString('hex')));
    },
  );

  it('the Python-style extension runs per frame in the pipeline when it is negotiated alone', async () => {
    const client = new ClientNegotiator([fromPythonStyleClientFactory(new ClientDeflateFrameFactory())]);
    const server = new ServerNegotiator([fromPythonStyleServerFactory(new ServerDeflateFrameFactory())]);
    const serverSide = server.respond(client.offer());
    const clientSide = client.accept(serverSide.header);
    const received = await transmit(clientSide.sessions, serverSide.sessions, serverSide.allowedRsv);
    expect(received.map((m) => Buffer.from(m.data).toString('hex'))).toEqual(messages.map((m) => Buffer.from(m.data).toString('hex')));
  });

  it('a decoder not told about the negotiated RSV bits refuses the traffic (1002)', async () => {
    const client = new ClientNegotiator([fayeClientFactory(deflate)]);
    const server = new ServerNegotiator([fayeServerFactory(deflate)]);
    const serverSide = server.respond(client.offer());
    const clientSide = client.accept(serverSide.header);
    const failure = transmit(clientSide.sessions, serverSide.sessions, {});
    await expect(failure).rejects.toBeInstanceOf(ProtocolError);
  });
});
