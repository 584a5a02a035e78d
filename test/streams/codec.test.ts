// Frame and message stream adapters, run on Node's streams and on
// web-streams-polyfill (see vitest.config.ts).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createFrame,
  ConnectionLostError,
  InvalidDataError,
  Opcode,
  PayloadTooBigError,
  ProtocolError,
  serializeFrame,
  type Frame,
  type Message,
} from '../../src/protocol/index.js';
import { frameDecoder, frameEncoder, isMessage, messageAssembler, messageFragmenter } from '../../src/streams/index.js';

const text = (s: string) => new TextEncoder().encode(s);

function fromItems<T>(items: readonly T[]): ReadableStream<T> {
  let i = 0;
  return new ReadableStream<T>({
    pull(controller) {
      if (i < items.length) controller.enqueue(items[i++]!);
      else controller.close();
    },
  });
}

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('frameDecoder / frameEncoder', () => {
  it('round-trips frames through bytes, masked (client) to server', async () => {
    const frames = [
      createFrame(Opcode.Text, text('Hel'), { fin: false }),
      createFrame(Opcode.Ping, text('ping')),
      createFrame(Opcode.Continuation, text('lo')),
      createFrame(Opcode.Binary, new Uint8Array(70_000).map((_, i) => i & 0xff)),
      createFrame(Opcode.Close, new Uint8Array([0x03, 0xe8])),
    ];
    const bytes = await collect(fromItems(frames).pipeThrough(frameEncoder({ mask: true })));
    // A masked frame never contains its payload in the clear.
    expect(Buffer.from(concat(bytes)).includes(Buffer.from('Hel'))).toBe(false);
    const decoded = await collect(fromItems(bytes).pipeThrough(frameDecoder({ role: 'server' })));
    expect(decoded).toEqual(frames);
  });

  it('decodes bytes split one at a time', async () => {
    const frames = [createFrame(Opcode.Text, text('Hello')), createFrame(Opcode.Binary, new Uint8Array(300).fill(7))];
    const wire = concat(frames.map((f) => serializeFrame(f, { mask: false })));
    const singles = Array.from(wire, (b) => new Uint8Array([b]));
    expect(await collect(fromItems(singles).pipeThrough(frameDecoder({ role: 'client' })))).toEqual(frames);
  });

  it('decodes any frame sequence split at random points (property)', async () => {
    const frameArb = fc
      .tuple(fc.constantFrom(Opcode.Binary, Opcode.Ping, Opcode.Pong), fc.uint8Array({ maxLength: 125, size: 'max' }))
      .map(([opcode, payload]) => createFrame(opcode, payload));
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10, size: 'max' }), async (frames, cuts) => {
        const wire = concat(frames.map((f) => serializeFrame(f, { mask: true })));
        const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        const chunks = [...points, wire.length].map((to, i, all) => wire.subarray(i === 0 ? 0 : all[i - 1]!, to));
        expect(await collect(fromItems(chunks).pipeThrough(frameDecoder({ role: 'server' })))).toEqual(frames);
      }),
      { numRuns: 60 },
    );
  });

  it('passes large unmasked payloads on without copying them', async () => {
    const payload = new Uint8Array(100_000).fill(1);
    const chunks = await collect(fromItems([createFrame(Opcode.Binary, payload)]).pipeThrough(frameEncoder({ mask: false })));
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toBe(payload);
  });

  it('errors with the typed error of a protocol violation', async () => {
    // Server receiving an unmasked frame: 1002.
    const stream = fromItems([serializeFrame(createFrame(Opcode.Text, text('x')), { mask: false })]);
    const error = await collect(stream.pipeThrough(frameDecoder({ role: 'server' }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).closeCode).toBe(1002);
  });

  it('errors with 1009 from the header of an oversized frame', async () => {
    const header = serializeFrame(createFrame(Opcode.Binary, new Uint8Array(2000)), { mask: false }).subarray(0, 4);
    const error = await collect(fromItems([header]).pipeThrough(frameDecoder({ role: 'client', maxFramePayload: 1000 }))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PayloadTooBigError);
  });

  it('reports a byte stream that ends inside a frame as a lost connection', async () => {
    const wire = serializeFrame(createFrame(Opcode.Text, text('Hello')), { mask: false });
    const error = await collect(fromItems([wire.subarray(0, 4)]).pipeThrough(frameDecoder({ role: 'client' }))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).closeCode).toBe(1006);
  });

  it('reports a byte stream that ends right after a frame header as a lost connection', async () => {
    // The header announces 256 bytes; not one of them arrives.
    const error = await collect(fromItems([new Uint8Array([0x82, 0x7e, 0x01, 0x00])]).pipeThrough(frameDecoder({ role: 'client' }))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionLostError);
  });

  // "Hi", Close 1000, then a reserved opcode.
  const closeThenGarbage = new Uint8Array([0x81, 0x02, 0x48, 0x69, 0x88, 0x02, 0x03, 0xe8, 0x83]);

  it('delivers the frames before a violation in the same chunk, then errors, even to a reader that reads late', async () => {
    const decoder = frameDecoder({ role: 'client' });
    const writer = decoder.writable.getWriter();
    const written = writer.write(closeThenGarbage).catch((e: unknown) => e);
    await written; // nothing read yet: the frames wait in the queue
    const reader = decoder.readable.getReader();
    const opcodes: number[] = [];
    const error = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        opcodes.push(value.opcode);
      }
    })().catch((e: unknown) => e);
    expect(opcodes).toEqual([Opcode.Text, Opcode.Close]);
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it('delivers the same frames then the error whatever the segmentation', async () => {
    for (let cut = 0; cut <= closeThenGarbage.length; cut++) {
      const chunks = [closeThenGarbage.subarray(0, cut), closeThenGarbage.subarray(cut)];
      const opcodes: number[] = [];
      const reader = fromItems(chunks).pipeThrough(frameDecoder({ role: 'client' })).getReader();
      const error = await (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return undefined;
          opcodes.push(value.opcode);
        }
      })().catch((e: unknown) => e);
      expect(opcodes).toEqual([Opcode.Text, Opcode.Close]);
      expect(error).toBeInstanceOf(ProtocolError);
    }
  });

  it('ends cleanly when a Close arrived in the middle of a fragmented message', async () => {
    // "He" without FIN, Close 1000, end of stream: control frames may come between fragments.
    const wire = new Uint8Array([0x01, 0x02, 0x48, 0x65, 0x88, 0x02, 0x03, 0xe8]);
    const frames = await collect(fromItems([wire]).pipeThrough(frameDecoder({ role: 'client' })));
    expect(frames.map((f) => f.opcode)).toEqual([Opcode.Text, Opcode.Close]);
  });

  it('lets negotiation change the allowed RSV bits on the live parser', async () => {
    const decoder = frameDecoder({ role: 'client' });
    decoder.parser.setAllowedRsv({ rsv1: true });
    const frame = createFrame(Opcode.Text, text('z'), { rsv1: true });
    const out = await collect(fromItems([serializeFrame(frame, { mask: false })]).pipeThrough(decoder));
    expect(out).toEqual([frame]);
  });
});

describe('messageAssembler / messageFragmenter', () => {
  it('assembles messages and keeps interleaved control frames in position', async () => {
    const ping = createFrame(Opcode.Ping, text('p'));
    const frames = [
      createFrame(Opcode.Text, text('Hel'), { fin: false, rsv1: true }),
      ping,
      createFrame(Opcode.Continuation, text('lo')),
      createFrame(Opcode.Binary, new Uint8Array([1, 2])),
    ];
    const out = await collect(fromItems(frames).pipeThrough(messageAssembler()));
    expect(out).toEqual([
      ping,
      { opcode: Opcode.Text, rsv1: true, rsv2: false, rsv3: false, data: text('Hello') },
      { opcode: Opcode.Binary, rsv1: false, rsv2: false, rsv3: false, data: new Uint8Array([1, 2]) },
    ]);
    expect(out.map((item) => isMessage(item))).toEqual([false, true, true]);
  });

  it('fails a text message that is not UTF-8 with 1007', async () => {
    const frames = [createFrame(Opcode.Text, new Uint8Array([0x48, 0xff]))];
    const error = await collect(fromItems(frames).pipeThrough(messageAssembler())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDataError);
    expect((error as InvalidDataError).closeCode).toBe(1007);
  });

  it('fails a message over maxMessageSize with 1009 at the first fragment past the limit', async () => {
    let pulled = 0;
    const frames = [
      createFrame(Opcode.Binary, new Uint8Array(600), { fin: false }),
      createFrame(Opcode.Continuation, new Uint8Array(600), { fin: false }),
      createFrame(Opcode.Continuation, new Uint8Array(600)),
    ];
    // highWaterMark 0: a fragment is produced only when the pipe asks for it.
    const source = new ReadableStream<Frame>(
      {
        pull(controller) {
          if (pulled < frames.length) controller.enqueue(frames[pulled++]!);
          else controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const error = await collect(source.pipeThrough(messageAssembler({ maxMessageSize: 1000 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooBigError);
    expect((error as PayloadTooBigError).closeCode).toBe(1009);
    expect(pulled).toBe(2); // the third fragment was never asked for
  });

  it('ends cleanly when a Close arrived in the middle of a fragmented message', async () => {
    const close = createFrame(Opcode.Close, new Uint8Array([0x03, 0xe8]));
    const out = await collect(fromItems([createFrame(Opcode.Text, text('He'), { fin: false }), close]).pipeThrough(messageAssembler()));
    expect(out).toEqual([close]);
  });

  it('still reports a fragmented message cut off without a Close as a lost connection', async () => {
    const error = await collect(fromItems([createFrame(Opcode.Text, text('He'), { fin: false })]).pipeThrough(messageAssembler())).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionLostError);
  });

  it('fails a continuation without a message with 1002', async () => {
    const error = await collect(
      fromItems([createFrame(Opcode.Continuation, text('x'))]).pipeThrough(messageAssembler()),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it('fragments messages, passes frames through, and reassembles them', async () => {
    const big: Message = { opcode: Opcode.Binary, rsv1: true, rsv2: false, rsv3: false, data: new Uint8Array(10).map((_, i) => i) };
    const pong = createFrame(Opcode.Pong, new Uint8Array(0));
    const frames = await collect(fromItems<Message | Frame>([big, pong]).pipeThrough(messageFragmenter({ maxFramePayload: 4 })));
    expect(frames.map((f) => [f.opcode, f.fin, f.rsv1, f.payload.length])).toEqual([
      [Opcode.Binary, false, true, 4],
      [Opcode.Continuation, false, false, 4],
      [Opcode.Continuation, true, false, 2],
      [Opcode.Pong, true, false, 0],
    ]);
    const back = await collect(fromItems(frames).pipeThrough(messageAssembler()));
    expect(back).toEqual([big, pong]);
  });

  it('runs a whole send/receive chain: messages → frames → bytes → frames → messages', async () => {
    const messages: Message[] = [
      { opcode: Opcode.Text, rsv1: false, rsv2: false, rsv3: false, data: text('héllo wörld '.repeat(1000)) },
      { opcode: Opcode.Binary, rsv1: false, rsv2: false, rsv3: false, data: new Uint8Array(0) },
    ];
    const out = await collect(
      fromItems<Message | Frame>(messages)
        .pipeThrough(messageFragmenter({ maxFramePayload: 1000 }))
        .pipeThrough(frameEncoder({ mask: true }))
        .pipeThrough(frameDecoder({ role: 'server' }))
        .pipeThrough(messageAssembler()),
    );
    expect(out).toEqual(messages);
  });
});

describe('backpressure', () => {
  // A writer that awaits `ready` before every write, against a reader that
  // reads nothing: how far does the writer get?
  async function writesBeforeStall<I>(stream: TransformStream<I, unknown>, next: (i: number) => I): Promise<number> {
    const writer = stream.writable.getWriter();
    let written = 0;
    const stalled = new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 100));
    for (let i = 0; i < 10_000; i++) {
      const outcome = await Promise.race([writer.ready.then(() => 'ready' as const), stalled]);
      if (outcome === 'stalled') break;
      void writer.write(next(i)).catch(() => {});
      written++;
    }
    return written;
  }

  it('stops a fast writer of bytes when nobody reads the frames', async () => {
    const frameBytes = serializeFrame(createFrame(Opcode.Binary, new Uint8Array(1000)), { mask: false });
    const written = await writesBeforeStall(frameDecoder({ role: 'client' }), () => frameBytes);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(40);
  });

  it('stops a fast writer of frames when nobody reads the bytes', async () => {
    const frame = createFrame(Opcode.Binary, new Uint8Array(1000));
    const written = await writesBeforeStall(frameEncoder({ mask: true }), () => frame);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(100);
  });

  it('stops a fast writer of frames when nobody reads the messages', async () => {
    const frame = createFrame(Opcode.Binary, new Uint8Array(10));
    const written = await writesBeforeStall(messageAssembler(), () => frame);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(40);
  });

  it('stops a fast writer of messages when nobody reads the frames', async () => {
    const message: Message = { opcode: Opcode.Binary, rsv1: false, rsv2: false, rsv3: false, data: new Uint8Array(10) };
    const written = await writesBeforeStall(messageFragmenter(), () => message);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(40);
  });

  it('delivers everything once the slow reader catches up', async () => {
    const decoder = frameDecoder({ role: 'client' });
    const wire = serializeFrame(createFrame(Opcode.Binary, new Uint8Array(100).fill(3)), { mask: false });
    const writer = decoder.writable.getWriter();
    const writing = (async () => {
      for (let i = 0; i < 500; i++) {
        await writer.ready;
        void writer.write(wire);
      }
      await writer.close();
    })();
    const reader = decoder.readable.getReader();
    let count = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      expect(value.payload.length).toBe(100);
      count++;
      if (count % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await writing;
    expect(count).toBe(500);
  });
});
