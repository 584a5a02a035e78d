/**
 * The round trips compared by bench/deflate.bench.ts: wsx sessions, ws's
 * PerMessageDeflate, faye's permessage-deflate, and the synchronous
 * node:zlib floor. Each counts bytes (for the ratio) and checks once that
 * the round trip returned the original message.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import zlib from 'node:zlib';
import {
  ClientPerMessageDeflateFactory,
  ServerPerMessageDeflateFactory,
  type ClientPerMessageDeflateOptions,
  type PerMessageDeflateSession,
  type ServerPerMessageDeflateOptions,
} from '../../src/deflate/index.js';
import { ClientNegotiator, ServerNegotiator } from '../../src/negotiation/index.js';
import type { StageContext } from '../../src/protocol/extension.js';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';

const require = createRequire(import.meta.url);
// ws's package exports hide lib/; the extension class lives there.
const wsLib = join(dirname(require.resolve('ws/package.json')), 'lib');
type Callback = (error: Error | null, result?: Buffer) => void;
const WsPerMessageDeflate = require(join(wsLib, 'permessage-deflate.js')) as new (options: object) => {
  offer(): object;
  accept(configurations: object[]): object;
  compress(data: Buffer, fin: boolean, callback: Callback): void;
  decompress(data: Buffer, fin: boolean, callback: Callback): void;
  cleanup(): void;
};
type FayeMessage = { rsv1: boolean; rsv2: boolean; rsv3: boolean; opcode: number; data: Buffer };
type FayeExtensions = {
  add(extension: unknown): void;
  generateOffer(): string;
  activate(header: string): void;
  generateResponse(header: string): string;
  processIncomingMessage(message: FayeMessage, callback: (error: Error | null, message: FayeMessage) => void): void;
  processOutgoingMessage(message: FayeMessage, callback: (error: Error | null, message: FayeMessage) => void): void;
};
const FayeExtensionsClass = require('websocket-extensions') as new () => FayeExtensions;
const fayeDeflate = require('permessage-deflate') as { configure(options: object): unknown };

export const context: StageContext = { signal: new AbortController().signal };


export interface Impl {
  /** Compresses then inflates message i; returns a promise only when the implementation is async. */
  roundTrip(message: Uint8Array): unknown;
  /** Compressed bytes so far / original bytes so far. */
  stats: { raw: number; wire: number; checked: boolean };
}

function check(stats: Impl['stats'], original: Uint8Array, back: Uint8Array): void {
  if (!stats.checked) {
    if (Buffer.compare(Buffer.from(original), Buffer.from(back)) !== 0) throw new Error('round trip corrupted the message');
    stats.checked = true;
  }
}

export function wsxSessions(client: ClientPerMessageDeflateFactory, server: ServerPerMessageDeflateFactory) {
  const clientNegotiator = new ClientNegotiator([client]);
  const answer = new ServerNegotiator([server]).respond(clientNegotiator.offer());
  return {
    client: clientNegotiator.accept(answer.header).sessions[0] as PerMessageDeflateSession,
    server: answer.sessions[0] as PerMessageDeflateSession,
  };
}

/**
 * A wsx round trip between two negotiated sessions. `from` is the side that
 * compresses (the other inflates); factory options default to the factories'
 * own defaults, with threshold 0 so every message is compressed.
 */
export function wsxImpl(
  options: { client?: ClientPerMessageDeflateOptions; server?: ServerPerMessageDeflateOptions; from?: 'client' | 'server' } = {},
): Impl {
  const sessions = wsxSessions(
    new ClientPerMessageDeflateFactory({ threshold: 0, ...options.client }),
    new ServerPerMessageDeflateFactory({ threshold: 0, ...options.server }),
  );
  const [client, server] = options.from === 'server' ? [sessions.server, sessions.client] : [sessions.client, sessions.server];
  const stats = { raw: 0, wire: 0, checked: false };
  const finish = (message: Uint8Array, wire: Frame) => {
    stats.raw += message.length;
    stats.wire += wire.payload.length;
    const back = server.incoming.process(wire, context);
    if (back instanceof Promise) return back.then((frame: Frame) => check(stats, message, frame.payload));
    check(stats, message, (back as Frame).payload);
  };
  return {
    stats,
    roundTrip(message) {
      const wire = client.outgoing.process(createFrame(Opcode.Binary, message), context);
      return wire instanceof Promise ? wire.then((frame: Frame) => finish(message, frame)) : finish(message, wire as Frame);
    },
  };
}

export function wsImpl(): Impl {
  const client = new WsPerMessageDeflate({ threshold: 0 });
  const server = new WsPerMessageDeflate({ isServer: true, threshold: 0 });
  server.accept([{ client_max_window_bits: [true] }]);
  client.accept([{}]);
  const stats = { raw: 0, wire: 0, checked: false };
  return {
    stats,
    roundTrip: (message) =>
      new Promise<void>((resolve, reject) =>
        client.compress(Buffer.from(message.buffer, message.byteOffset, message.length), true, (error, wire) => {
          if (error) return reject(error);
          stats.raw += message.length;
          stats.wire += wire!.length;
          server.decompress(wire!, true, (error2, back) => {
            if (error2) return reject(error2);
            check(stats, message, back!);
            resolve();
          });
        }),
      ),
  };
}

export function fayeImpl(): Impl {
  const client = new FayeExtensionsClass();
  client.add(fayeDeflate.configure({}));
  const server = new FayeExtensionsClass();
  server.add(fayeDeflate.configure({}));
  client.activate(server.generateResponse(client.generateOffer()));
  const stats = { raw: 0, wire: 0, checked: false };
  return {
    stats,
    roundTrip: (message) =>
      new Promise<void>((resolve, reject) => {
        const data = Buffer.from(message.buffer, message.byteOffset, message.length);
        client.processOutgoingMessage({ rsv1: false, rsv2: false, rsv3: false, opcode: 2, data }, (error, wire) => {
          if (error) return reject(error);
          stats.raw += message.length;
          stats.wire += wire.data.length;
          server.processIncomingMessage(wire, (error2, back) => {
            if (error2) return reject(error2);
            check(stats, message, back.data);
            resolve();
          });
        });
      }),
  };
}

/**
 * The floor: Node's own synchronous chunk processing on a persistent raw
 * handle, nothing around it. Node closes the handle after every sync call and
 * adds an error listener each time, so the native handle is kept and put back
 * and the listener removed (the minimum any sync driver must do).
 */
type NodeZlibInternals = {
  _handle: { close(): void } | null;
  _processChunk(chunk: Buffer, flush: number): Buffer;
  removeAllListeners(event: string): void;
};
function syncChunk(stream: NodeZlibInternals, chunk: Buffer): Buffer {
  const handle = stream._handle!;
  const close = handle.close;
  handle.close = () => undefined;
  try {
    return stream._processChunk(chunk, zlib.constants.Z_SYNC_FLUSH);
  } finally {
    stream._handle = handle;
    handle.close = close;
    stream.removeAllListeners('error');
  }
}

export function floorImpl(): Impl {
  const deflate = zlib.createDeflateRaw() as unknown as NodeZlibInternals;
  const inflate = zlib.createInflateRaw() as unknown as NodeZlibInternals;
  const tail = Buffer.from([0, 0, 0xff, 0xff]);
  const stats = { raw: 0, wire: 0, checked: false };
  return {
    stats,
    roundTrip(message) {
      const out = syncChunk(deflate, Buffer.from(message.buffer, message.byteOffset, message.length));
      const wire = out.subarray(0, out.length - 4);
      stats.raw += message.length;
      stats.wire += wire.length;
      check(stats, message, syncChunk(inflate, Buffer.concat([wire, tail])));
    },
  };
}
