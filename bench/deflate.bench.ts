/**
 * permessage-deflate: a compress → inflate round trip per message, with
 * context takeover, for 200 B JSON, 4 KiB JSON, 64 KiB text and 1 MiB text.
 * Side by side in one run:
 *   - wsx: a negotiated client session's outgoing stage into a server
 *     session's incoming stage (window 15, memLevel 8: zlib's defaults, the
 *     same settings as every other row), and "wsx defaults" (window 12,
 *     memLevel 5, the factories' defaults);
 *   - ws: its PerMessageDeflate class, threshold 0 (async node:zlib);
 *   - faye: permessage-deflate through websocket-extensions (async node:zlib);
 *   - node:zlib floor: one raw DeflateRaw/InflateRaw pair driven synchronously
 *     by hand (Node's own sync chunk processing, no wrapper at all).
 * Messages rotate through distinct payloads so context takeover helps as it
 * would on a real connection, not by repeating one message. Each row checks
 * that the round trip returned the original bytes.
 *
 * Also reported (notes): compression ratio per implementation, memory per
 * connection (zlib's formula and measured), and the longest synchronous
 * stretch while wsx handles a 16 MiB message.
 */
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import zlib from 'node:zlib';
import {
  ClientPerMessageDeflateFactory,
  ServerPerMessageDeflateFactory,
  type PerMessageDeflateSession,
} from '../src/deflate/index.js';
import { ClientNegotiator, ServerNegotiator } from '../src/negotiation/index.js';
import type { StageContext } from '../src/protocol/extension.js';
import { createFrame, type Frame } from '../src/protocol/frame.js';
import { Opcode } from '../src/protocol/opcodes.js';
import { compare, type BenchContext, type BenchRow, type BenchTable } from './lib/index.js';

const require = createRequire(import.meta.url);
const { dirname, join } = require('node:path') as typeof import('node:path');
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

const KiB = 1024;
const MiB = 1024 * KiB;
const context: StageContext = { signal: new AbortController().signal };

// ---------- payloads ----------

const WORDS =
  'the of and to in is was that for on with as by at from his her an which or be are this have not but had they were it its one all their there been has when who more will would no if out so said what up about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last'.split(
    ' ',
  );

function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
}

function words(next: () => number, count: number): string {
  return Array.from({ length: count }, () => WORDS[next() % WORDS.length]).join(' ');
}

function jsonRecord(next: () => number, id: number): object {
  return {
    id,
    type: ['update', 'create', 'delete', 'presence'][next() % 4],
    user: { id: next() % 100_000, name: `user${next() % 5000}`, online: next() % 2 === 0 },
    ts: 1_700_000_000_000 + (next() % 100_000_000),
    text: words(next, 3 + (next() % 6)),
  };
}

/** A JSON message of about `size` bytes. */
function jsonMessage(size: number, seed: number): Uint8Array {
  const next = rng(seed);
  const records: object[] = [];
  let text = '';
  for (let id = 0; text.length < size; id++) {
    records.push(jsonRecord(next, seed * 1000 + id));
    text = JSON.stringify(size <= 256 ? records[0] : { events: records });
    if (size <= 256) break;
  }
  return new TextEncoder().encode(text);
}

function textMessage(size: number, seed: number): Uint8Array {
  const next = rng(seed);
  let text = '';
  while (text.length < size) text += words(next, 12) + (next() % 7 === 0 ? '.\n' : '. ');
  return new TextEncoder().encode(text.slice(0, size));
}

const CASES = [
  { label: '200 B JSON', make: (seed: number) => jsonMessage(200, seed), distinct: 64 },
  { label: '4 KiB JSON', make: (seed: number) => jsonMessage(4 * KiB, seed), distinct: 32 },
  { label: '64 KiB text', make: (seed: number) => textMessage(64 * KiB, seed), distinct: 8 },
  { label: '1 MiB text', make: (seed: number) => textMessage(MiB, seed), distinct: 3 },
];

// ---------- implementations: each returns a round-trip op and its byte counters ----------

interface Impl {
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

function wsxSessions(client: ClientPerMessageDeflateFactory, server: ServerPerMessageDeflateFactory) {
  const clientNegotiator = new ClientNegotiator([client]);
  const answer = new ServerNegotiator([server]).respond(clientNegotiator.offer());
  return {
    client: clientNegotiator.accept(answer.header).sessions[0] as PerMessageDeflateSession,
    server: answer.sessions[0] as PerMessageDeflateSession,
  };
}

function wsxImpl(compressSettings: { memLevel: number }, bits: number | undefined): Impl {
  const { client, server } = wsxSessions(
    new ClientPerMessageDeflateFactory({ compressSettings, threshold: 0 }),
    bits === undefined
      ? new ServerPerMessageDeflateFactory()
      : new ServerPerMessageDeflateFactory({ serverMaxWindowBits: bits, clientMaxWindowBits: bits }),
  );
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

function wsImpl(): Impl {
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

function fayeImpl(): Impl {
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

function floorImpl(): Impl {
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

// ---------- memory and event-loop figures ----------

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** zlib's documented memory use, in bytes. */
function zlibFormula(deflateBits: number, memLevel: number, inflateBits: number): number {
  return (1 << (deflateBits + 2)) + (1 << (memLevel + 9)) + (1 << inflateBits) + 7 * KiB;
}

async function memoryPerConnection(quick: boolean, freeing = false): Promise<string> {
  const count = quick ? 200 : 2000;
  const factory = freeing
    ? new ServerPerMessageDeflateFactory({ serverNoContextTakeover: true, clientNoContextTakeover: true, freeContextBetweenMessages: true })
    : new ServerPerMessageDeflateFactory();
  const peer = new ClientPerMessageDeflateFactory();
  const message = createFrame(Opcode.Text, jsonMessage(200, 1));
  // One client-compressed first message, valid for every fresh server session,
  // so no client contexts are created (and freed) in the measured window.
  const probe = wsxSessions(peer, factory);
  const wire = probe.client.outgoing.process(message, context) as Frame;
  await Promise.all([probe.client.close(), probe.server.close()]);
  const sessions: PerMessageDeflateSession[] = [];
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < count; i++) {
    const { server } = wsxSessions(peer, factory);
    // One message each way, so both zlib contexts of the session exist.
    server.incoming.process(wire, context);
    server.outgoing.process(message, context);
    sessions.push(server);
  }
  gc();
  const after = process.memoryUsage();
  const per = (key: 'rss' | 'heapUsed' | 'external') => (after[key] - before[key]) / count / KiB;
  await Promise.all(sessions.map((session) => session.close()));
  if (freeing) {
    return (
      `memory per idle server connection with both *_no_context_takeover and freeContextBetweenMessages: ` +
      `+${per('rss').toFixed(1)} KiB RSS (JS heap +${per('heapUsed').toFixed(1)} KiB)`
    );
  }
  return (
    `memory per server connection, defaults (window 12, memLevel 5, both zlib contexts live): ` +
    `zlib formula ${(zlibFormula(12, 5, 12) / KiB).toFixed(1)} KiB (15/8 would be ${(zlibFormula(15, 8, 15) / KiB).toFixed(1)} KiB); ` +
    `measured over ${count} sessions: +${per('rss').toFixed(1)} KiB RSS, of which JS heap +${per('heapUsed').toFixed(1)} KiB ` +
    `and buffers (external) +${per('external').toFixed(1)} KiB`
  );
}

async function longestSyncStretch(): Promise<string> {
  const { client, server } = wsxSessions(new ClientPerMessageDeflateFactory(), new ServerPerMessageDeflateFactory());
  const message = textMessage(16 * MiB, 99);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  const wire = (await client.outgoing.process(createFrame(Opcode.Binary, message), context)) as Frame;
  const back = (await server.incoming.process(wire, context)) as Frame;
  const elapsed = performance.now() - started;
  histogram.disable();
  if (back.payload.length !== message.length) throw new Error('16 MiB round trip lost data');
  return (
    `16 MiB round trip through the sessions took ${elapsed.toFixed(0)} ms; longest event-loop stall ` +
    `${(histogram.max / 1e6).toFixed(1)} ms (slices yield after a 4 ms budget; one compress slice = 64 KiB input, one inflate slice = 16 KiB)`
  );
}

// ---------- the table ----------

export default async function deflateBench(ctx: BenchContext): Promise<BenchTable> {
  // Memory first: the throughput runs below leave garbage that would blur it.
  const memory = await memoryPerConnection(ctx.quick);
  const memoryFreeing = await memoryPerConnection(ctx.quick, true);
  const rows: BenchRow[] = [];
  for (const { label, make, distinct } of CASES) {
    const messages = Array.from({ length: distinct }, (_, i) => make(i + 1));
    const impls: Record<string, Impl> = {
      wsx: wsxImpl({ memLevel: 8 }, 15),
      'wsx defaults': wsxImpl({ memLevel: 5 }, undefined),
      ws: wsImpl(),
      faye: fayeImpl(),
      'node:zlib floor': floorImpl(),
    };
    const ops: Record<string, () => unknown> = {};
    for (const [name, impl] of Object.entries(impls)) {
      let i = 0;
      ops[name] = () => impl.roundTrip(messages[i++ % messages.length]!);
    }
    const bytes = Math.round(messages.reduce((n, m) => n + m.length, 0) / messages.length);
    const caseRows = await compare(ctx, `${label} round trip`, ops, { bytesPerOp: bytes });
    for (const row of caseRows) {
      const { stats } = impls[row.impl]!;
      if (!stats.checked) throw new Error(`${row.impl} never completed a round trip`);
      rows.push({ ...row, note: `ratio ${(stats.wire / stats.raw).toFixed(3)}` });
    }
  }
  const floorOf = (label: string) => rows.find((r) => r.case === `${label} round trip` && r.impl === 'node:zlib floor')!;
  const notes = [
    'One op = compress one message with context takeover, then inflate it on the other side (MB/s counts the message once).',
    'wsx, ws, faye and the floor all use window 15 / memLevel 8 / level 6; "wsx defaults" uses the factories\' 12 / 5 / 6. ratio = compressed / original bytes.',
    ...CASES.map(({ label }) => {
      const wsx = rows.find((r) => r.case === `${label} round trip` && r.impl === 'wsx')!;
      return `${label}: wsx = ×${(wsx.opsPerSec / floorOf(label).opsPerSec).toFixed(2)} of the node:zlib floor`;
    }),
    memory,
    memoryFreeing,
    await longestSyncStretch(),
  ];
  return { title: 'permessage-deflate round trip (compress → inflate, context takeover)', baseline: 'ws', rows, notes };
}
