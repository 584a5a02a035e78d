// deflate()/inflate() as TransformStreams; runs on Node's streams and on web-streams-polyfill.
import { describe, expect, it } from 'vitest';
import { deflate, inflate } from '../../src/deflate/index.js';
import { InvalidDataError, PayloadTooBigError, ProtocolError } from '../../src/protocol/errors.js';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { backends, fromHex, hex, prose } from './backends.js';

function source(frames: Frame[]): ReadableStream<Frame> {
  return new ReadableStream<Frame>({
    start(controller) {
      for (const frame of frames) controller.enqueue(frame);
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

describe.each(backends)('deflate()/inflate() streams on %s', (_name, backend) => {
  it('round-trips messages, fragments and control frames in order', async () => {
    const big = prose(400_000, 3);
    const frames = [
      createFrame(Opcode.Text, prose(5000, 1)),
      createFrame(Opcode.Ping, prose(10, 2)),
      createFrame(Opcode.Binary, big.subarray(0, 150_000), { fin: false }),
      createFrame(Opcode.Continuation, big.subarray(150_000, 150_001), { fin: false }),
      createFrame(Opcode.Continuation, big.subarray(150_001)),
      createFrame(Opcode.Text, prose(5000, 1)),
    ];
    const wire = await collect(source(frames).pipeThrough(deflate({ backend, sliceBudgetMs: 0 })));
    expect(wire.map((f) => f.rsv1)).toEqual([true, false, true, false, false, true]);
    expect(wire[0]!.payload.length).toBeLessThan(5000 / 2);
    const back = await collect(source(wire).pipeThrough(inflate({ backend, sliceBudgetMs: 0 })));
    expect(back.map((f) => [f.opcode, f.fin, f.rsv1])).toEqual(frames.map((f) => [f.opcode, f.fin, false]));
    back.forEach((f, i) => expect(hex(f.payload)).toBe(hex(frames[i]!.payload)));
  });

  it('pipes straight through: deflate() into inflate()', async () => {
    const frames = Array.from({ length: 50 }, (_, i) => createFrame(Opcode.Text, prose(100 + i * 37, i)));
    const back = await collect(source(frames).pipeThrough(deflate({ backend })).pipeThrough(inflate({ backend })));
    expect(back.map((f) => hex(f.payload))).toEqual(frames.map((f) => hex(f.payload)));
  });

  it('errors the stream with the typed error on corrupt data (1007)', async () => {
    const wire = source([createFrame(Opcode.Text, fromHex('ffffffff'), { rsv1: true })]);
    await expect(collect(wire.pipeThrough(inflate({ backend })))).rejects.toBeInstanceOf(InvalidDataError);
  });

  it('errors on RSV1 on a continuation (1002)', async () => {
    const wire = source([
      createFrame(Opcode.Text, fromHex('f248cd'), { rsv1: true, fin: false }),
      createFrame(Opcode.Continuation, fromHex('c9c90700'), { rsv1: true }),
    ]);
    await expect(collect(wire.pipeThrough(inflate({ backend })))).rejects.toBeInstanceOf(ProtocolError);
  });

  it('errors past maxMessageSize (1009), also on a large sliced frame', async () => {
    const [wire] = await collect(source([createFrame(Opcode.Binary, new Uint8Array(3 << 20))]).pipeThrough(deflate({ backend })));
    // ~3 KB of compressed zeros: sliced path only if over one slice, so also try many frames.
    await expect(collect(source([wire!]).pipeThrough(inflate({ backend, maxMessageSize: 1 << 20 })))).rejects.toBeInstanceOf(
      PayloadTooBigError,
    );
    const noisy = prose(2 << 20, 5);
    const [big] = await collect(source([createFrame(Opcode.Binary, noisy)]).pipeThrough(deflate({ backend })));
    expect(big!.payload.length).toBeGreaterThan(64 * 1024);
    await expect(
      collect(source([big!]).pipeThrough(inflate({ backend, maxMessageSize: 1 << 20, sliceBudgetMs: 0 }))),
    ).rejects.toBeInstanceOf(PayloadTooBigError);
  });

  it('applies backpressure: a slow reader holds the writer', async () => {
    const stream = deflate({ backend });
    const writer = stream.writable.getWriter();
    const frame = () => createFrame(Opcode.Text, prose(2000, 1));
    let written = 0;
    const writes = Array.from({ length: 20 }, () => writer.write(frame()).then(() => written++));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Default queues hold one chunk on each side; nothing drains them until we read.
    expect(written).toBeLessThan(5);
    const reader = stream.readable.getReader();
    for (let i = 0; i < 20; i++) await reader.read();
    await Promise.all(writes);
    expect(written).toBe(20);
  });
});
