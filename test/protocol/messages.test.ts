import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  concatBytes,
  createFrame,
  fragmentMessage,
  InvalidDataError,
  MessageAssembler,
  Opcode,
  PayloadTooBigError,
  ProtocolError,
  type Message,
} from '../../src/protocol/index.js';

const text = (s: string) => new TextEncoder().encode(s);
const message = (opcode: Message['opcode'], data: Uint8Array, rsv1 = false): Message => ({
  opcode,
  rsv1,
  rsv2: false,
  rsv3: false,
  data,
});

describe('MessageAssembler', () => {
  it('returns a single-frame message with its payload, not a copy', () => {
    const payload = new Uint8Array([1, 2, 3]);
    const out = new MessageAssembler().push(createFrame(Opcode.Binary, payload));
    expect(out).toEqual(message(Opcode.Binary, payload));
    expect(out!.data).toBe(payload);
  });

  it('joins fragments and keeps the RSV bits of the first frame', () => {
    const assembler = new MessageAssembler();
    expect(assembler.push(createFrame(Opcode.Text, text('Hel'), { fin: false, rsv1: true }))).toBeNull();
    expect(assembler.inMessage).toBe(true);
    expect(assembler.push(createFrame(Opcode.Continuation, text(''), { fin: false }))).toBeNull();
    expect(assembler.bufferedBytes).toBe(3);
    expect(assembler.push(createFrame(Opcode.Continuation, text('lo')))).toEqual(message(Opcode.Text, text('Hello'), true));
    expect(assembler.inMessage).toBe(false);
  });

  it('accepts a message of exactly maxMessageSize and fails one byte more at the fragment that crosses it', () => {
    const exact = new MessageAssembler({ maxMessageSize: 10 });
    exact.push(createFrame(Opcode.Binary, new Uint8Array(6), { fin: false }));
    expect(exact.push(createFrame(Opcode.Continuation, new Uint8Array(4)))?.data.length).toBe(10);

    const over = new MessageAssembler({ maxMessageSize: 10 });
    over.push(createFrame(Opcode.Binary, new Uint8Array(6), { fin: false }));
    let error: unknown;
    try {
      over.push(createFrame(Opcode.Continuation, new Uint8Array(5), { fin: false }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PayloadTooBigError);
    expect((error as PayloadTooBigError).closeCode).toBe(1009);
    expect(over.bufferedBytes).toBe(0); // the crossing fragment was never kept
  });

  it('fails invalid UTF-8 at the first fragment that proves it (1007), before the message ends', () => {
    const assembler = new MessageAssembler();
    expect(() => assembler.push(createFrame(Opcode.Text, new Uint8Array([0x41, 0xc0, 0x80]), { fin: false }))).toThrow(
      InvalidDataError,
    );
  });

  it('accepts a character split across fragments and rejects one cut off at the end', () => {
    const euro = text('€');
    const ok = new MessageAssembler();
    ok.push(createFrame(Opcode.Text, euro.subarray(0, 1), { fin: false }));
    ok.push(createFrame(Opcode.Continuation, euro.subarray(1, 2), { fin: false }));
    expect(ok.push(createFrame(Opcode.Continuation, euro.subarray(2)))?.data).toEqual(euro);

    const cut = new MessageAssembler();
    cut.push(createFrame(Opcode.Text, euro.subarray(0, 2), { fin: false }));
    expect(() => cut.push(createFrame(Opcode.Continuation, new Uint8Array(0)))).toThrow(InvalidDataError);
  });

  it('does not validate binary messages, nor text when validateUtf8 is false', () => {
    const bad = new Uint8Array([0xff, 0xfe]);
    expect(new MessageAssembler().push(createFrame(Opcode.Binary, bad))?.data).toBe(bad);
    expect(new MessageAssembler({ validateUtf8: false }).push(createFrame(Opcode.Text, bad))?.data).toBe(bad);
  });

  it('enforces continuation rules and refuses control frames (1002)', () => {
    expect(() => new MessageAssembler().push(createFrame(Opcode.Continuation, text('x')))).toThrow(ProtocolError);
    const open = new MessageAssembler();
    open.push(createFrame(Opcode.Text, text('a'), { fin: false }));
    expect(() => open.push(createFrame(Opcode.Binary, text('b')))).toThrow(ProtocolError);
    expect(() => new MessageAssembler().push(createFrame(Opcode.Ping, text('p')))).toThrow(ProtocolError);
  });
});

describe('MessageAssembler with many fragments', () => {
  it('assembles any mix of tiny, small and large fragments exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 500, max: 1100 }), fc.integer({ min: 4000, max: 9000 })), {
          minLength: 1,
          maxLength: 40,
          size: 'max', // up to 40 fragments, not fast-check 4's default of about 10
        }),
        (sizes) => {
          let counter = 0;
          const payloads = sizes.map((n) => new Uint8Array(n).map(() => counter++ & 0xff));
          const assembler = new MessageAssembler();
          let result: Message | null = null;
          payloads.forEach((payload, i) => {
            result = assembler.push(
              createFrame(i === 0 ? Opcode.Binary : Opcode.Continuation, payload, { fin: i === payloads.length - 1 }),
            );
          });
          const expected = Buffer.concat(payloads);
          expect(Buffer.from(result!.data).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('assembles a message sent as 100 000 one-byte frames', () => {
    const assembler = new MessageAssembler({ maxMessageSize: 100_000 });
    const byte = new Uint8Array([0x61]);
    for (let i = 0; i < 99_999; i++) {
      expect(assembler.push(createFrame(i === 0 ? Opcode.Text : Opcode.Continuation, byte, { fin: false }))).toBeNull();
    }
    const message = assembler.push(createFrame(Opcode.Continuation, byte));
    expect(message!.data.length).toBe(100_000);
    expect(message!.data.every((b) => b === 0x61)).toBe(true);
  });
});

describe('fragmentMessage', () => {
  it('splits into views of the data with the opcode and RSV bits on the first frame only', () => {
    const data = new Uint8Array(10).map((_, i) => i);
    const frames = fragmentMessage(message(Opcode.Binary, data, true), 4);
    expect(frames.map((f) => [f.opcode, f.fin, f.rsv1, Array.from(f.payload)])).toEqual([
      [Opcode.Binary, false, true, [0, 1, 2, 3]],
      [Opcode.Continuation, false, false, [4, 5, 6, 7]],
      [Opcode.Continuation, true, false, [8, 9]],
    ]);
    expect(frames.every((f) => f.payload.buffer === data.buffer)).toBe(true);
  });

  it('sends a short or empty message as one frame, and refuses a limit below 1', () => {
    expect(fragmentMessage(message(Opcode.Text, text('hi')))).toHaveLength(1);
    const [empty] = fragmentMessage(message(Opcode.Text, new Uint8Array(0)), 4);
    expect([empty!.fin, empty!.opcode, empty!.payload.length]).toEqual([true, Opcode.Text, 0]);
    expect(() => fragmentMessage(message(Opcode.Text, text('hi')), 0)).toThrow(RangeError);
  });

  it('round-trips through the assembler for any size and fragment limit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500, size: 'max' }), fc.integer({ min: 1, max: 600 }), fc.boolean(), (data, limit, rsv1) => {
        const original = message(Opcode.Binary, data, rsv1);
        const frames = fragmentMessage(original, limit);
        expect(frames).toHaveLength(Math.max(1, Math.ceil(data.length / limit)));
        const assembler = new MessageAssembler({ maxMessageSize: data.length });
        const results = frames.map((f) => assembler.push(f));
        expect(results.slice(0, -1).every((r) => r === null)).toBe(true);
        expect(results.at(-1)).toEqual(original);
      }),
    );
  });
});

describe('MessageAssembler resources', () => {
  it('refuses a maxMessageSize that is not a number ≥ 0 (NaN would turn the limit off)', () => {
    for (const bad of [NaN, -1, '5' as unknown as number]) {
      expect(() => new MessageAssembler({ maxMessageSize: bad })).toThrow(RangeError);
    }
    expect(() => new MessageAssembler({ maxMessageSize: 0 }).push(createFrame(Opcode.Binary, new Uint8Array(1)))).toThrow(
      PayloadTooBigError,
    );
  });

  it('returns joined messages in exact buffers of their own', () => {
    for (const size of [10, 600, 1500, 3000, 20_000]) {
      const assembler = new MessageAssembler();
      assembler.push(createFrame(Opcode.Binary, new Uint8Array(size).fill(1), { fin: false }));
      const out = assembler.push(createFrame(Opcode.Continuation, new Uint8Array(size).fill(2)))!;
      expect(out.data.length).toBe(2 * size);
      expect(out.data.byteOffset).toBe(0);
      expect(out.data.buffer.byteLength).toBe(2 * size);
    }
  });

  it('holds memory in proportion to a small open message, not a 16 KiB buffer each', () => {
    globalThis.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    const open: MessageAssembler[] = [];
    for (let i = 0; i < 2000; i++) {
      const assembler = new MessageAssembler();
      assembler.push(createFrame(Opcode.Binary, new Uint8Array(100), { fin: false }));
      open.push(assembler);
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    // 2000 × 16 KiB would be 32 MiB; a tail sized to the fragments is ~2000 × 256 B.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    expect(open).toHaveLength(2000);
  });

  it('still assembles many small fragments exactly as the tail grows', () => {
    for (const sizeOf of [(i: number) => 37 + (i % 50), () => 1023, (i: number) => (i % 3 === 0 ? 1023 : 1)]) {
      const assembler = new MessageAssembler();
      const expected: number[] = [];
      let out: Message | null = null;
      for (let i = 0; i < 100; i++) {
        const piece = new Uint8Array(sizeOf(i)).fill(i & 0xff);
        expected.push(...piece);
        out = assembler.push(createFrame(i === 0 ? Opcode.Binary : Opcode.Continuation, piece, { fin: i === 99 }));
      }
      expect(Buffer.from(out!.data).equals(Buffer.from(expected))).toBe(true);
    }
  });
});

describe('concatBytes', () => {
  it('joins parts; a total that does not match their sum is a RangeError, never uninitialised memory', () => {
    const parts = [new Uint8Array([1, 2]), new Uint8Array([3])];
    expect(Array.from(concatBytes(parts))).toEqual([1, 2, 3]);
    expect(Array.from(concatBytes(parts, 3))).toEqual([1, 2, 3]);
    expect(() => concatBytes(parts, 5000)).toThrow(RangeError);
    expect(() => concatBytes(parts, 2)).toThrow(RangeError);
    expect(concatBytes([]).length).toBe(0);
  });
});
