/**
 * Frame parse and serialize throughput, wsx next to ws's own Receiver and
 * Sender in the same run. Payloads of 125 B (largest control-size frame),
 * 64 KiB and 1 MiB, masked (client → server) and unmasked (server → client).
 * Small frames are parsed in batches of many frames per chunk, as they
 * arrive from a socket.
 */
import { createRequire } from 'node:module';
import { createFrame, FrameParser, Opcode, serializeFrame, serializeFrameParts } from '../src/protocol/index.js';
import { compare, type BenchContext, type BenchRow, type BenchTable } from './lib/index.js';

const require = createRequire(import.meta.url);
// ws's internals are CommonJS without type declarations: typed here as far as used.
type WsReceiver = {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
};
// ws's package exports hide lib/receiver.js and lib/sender.js; its entry point
// re-exports those same classes.
const ws = require('ws') as {
  Receiver: new (options: object) => WsReceiver;
  Sender: {
    frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[];
  };
};
const { Receiver, Sender } = ws;
let hasBufferutil = false;
try {
  require.resolve('bufferutil');
  hasBufferutil = true;
} catch {
  // ws falls back to its JavaScript byte loop for masking.
}

const SIZES = [
  { label: '125 B', bytes: 125 },
  { label: '64 KiB', bytes: 64 * 1024 },
  { label: '1 MiB', bytes: 1024 * 1024 },
];

/** Bytes a socket read typically delivers at once. */
const SOCKET_CHUNK = 64 * 1024;

/** Frames per parse operation: small frames come many to a socket chunk (~64 KiB). */
const framesPerChunk = (size: number) => Math.max(1, Math.floor((64 * 1024) / size));

function payloadOf(size: number): Uint8Array {
  const payload = new Uint8Array(size);
  for (let i = 0; i < size; i++) payload[i] = (i * 31 + 7) & 0xff;
  return payload;
}

async function parseRows(ctx: BenchContext, label: string, size: number, masked: boolean): Promise<BenchRow[]> {
  const payload = payloadOf(size);
  const count = framesPerChunk(size);
  const one = serializeFrame(createFrame(Opcode.Binary, payload), { mask: masked });
  const wire = Buffer.alloc(one.length * count);
  for (let i = 0; i < count; i++) wire.set(one, i * one.length);
  // Delivered in socket-sized chunks: a large frame spans several and must be gathered.
  const chunks: Buffer[] = [];
  for (let at = 0; at < wire.length; at += SOCKET_CHUNK) chunks.push(wire.subarray(at, at + SOCKET_CHUNK));

  const parser = new FrameParser({ role: masked ? 'server' : 'client' });
  let wsFrames = 0;
  const receiver = new Receiver({ isServer: masked, binaryType: 'nodebuffer', allowSynchronousEvents: true });
  receiver.on('message', () => wsFrames++);
  receiver.on('error', (error) => {
    throw error;
  });
  let wsxFrames = 0;
  const rows = await compare(
    ctx,
    `parse ${label} ${masked ? 'masked' : 'unmasked'}`,
    {
      wsx: () => {
        for (const chunk of chunks) wsxFrames += parser.push(chunk).length;
      },
      // ws unmasks in place: the shared chunks flip between masked and clear,
      // which costs the same work and does not matter for binary frames.
      ws: () => {
        for (const chunk of chunks) receiver.write(chunk);
      },
    },
    { bytesPerOp: size * count, note: count > 1 ? `${count} frames per chunk` : `${chunks.length} chunks per frame` },
  );
  if (wsxFrames === 0 || wsFrames === 0) throw new Error('a parser produced no frames: benchmark is broken');
  return rows;
}

async function serializeRows(ctx: BenchContext, label: string, size: number, masked: boolean): Promise<BenchRow[]> {
  const payload = payloadOf(size);
  const buffer = Buffer.from(payload);
  const frame = createFrame(Opcode.Binary, payload);
  const wsOptions = { fin: true, opcode: 2, mask: masked, readOnly: true, rsv1: false };
  return compare(
    ctx,
    `serialize ${label} ${masked ? 'masked' : 'unmasked'}`,
    {
      // Header + payload parts, ready for writev: the same output as ws's Sender.frame.
      wsx: () => serializeFrameParts(frame, { mask: masked }),
      'wsx (1 buffer)': () => serializeFrame(frame, { mask: masked }),
      ws: () => Sender.frame(buffer, wsOptions),
    },
    { bytesPerOp: size },
  );
}

export default async function framesBench(ctx: BenchContext): Promise<BenchTable> {
  const rows: BenchRow[] = [];
  for (const masked of [false, true]) {
    for (const { label, bytes } of SIZES) rows.push(...(await parseRows(ctx, label, bytes, masked)));
  }
  for (const masked of [false, true]) {
    for (const { label, bytes } of SIZES) rows.push(...(await serializeRows(ctx, label, bytes, masked)));
  }
  return {
    title: 'Frame parse / serialize throughput (payload MB/s)',
    baseline: 'ws',
    rows,
    notes: [
      'parse: bytes in 64 KiB socket-sized chunks → frames (ws Receiver also assembles messages; every frame here is a whole binary message).',
      'serialize: frame → wire parts for writev (unmasked: header + the payload itself); "wsx (1 buffer)" copies header and payload into one buffer.',
      `ws masking: ${hasBufferutil ? 'native bufferutil' : 'JavaScript fallback (bufferutil not installed)'}.`,
    ],
  };
}
