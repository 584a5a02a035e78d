import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createFrame,
  FrameParser,
  Opcode,
  PayloadTooBigError,
  ProtocolError,
  serializeFrame,
  type Frame,
  type FrameParserOptions,
  type WebSocketError,
} from '../../src/protocol/index.js';

const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));

/** Parses every chunk; a violation is thrown, whether `push` threw it or held it after returning earlier frames. */
function parseAll(options: FrameParserOptions, chunks: readonly Uint8Array[]): Frame[] {
  const parser = new FrameParser(options);
  const frames: Frame[] = [];
  for (const chunk of chunks) {
    frames.push(...parser.push(chunk));
    if (parser.error) throw parser.error;
  }
  return frames;
}

function errorOf(fn: () => unknown): WebSocketError | undefined {
  try {
    fn();
  } catch (error) {
    return error as WebSocketError;
  }
  return undefined;
}

interface Malformed {
  name: string;
  options: FrameParserOptions;
  /** Only the bytes that prove the violation: nothing after them is needed. */
  bytes: string;
  error: typeof ProtocolError | typeof PayloadTooBigError;
  closeCode: number;
}

const client: FrameParserOptions = { role: 'client' };
const server: FrameParserOptions = { role: 'server' };

// Every rule, as real bytes, mapped to its close code.
const malformed: Malformed[] = [
  { name: 'reserved data opcode 0x3', options: client, bytes: '83', error: ProtocolError, closeCode: 1002 },
  { name: 'reserved data opcode 0x7', options: client, bytes: '87', error: ProtocolError, closeCode: 1002 },
  { name: 'reserved control opcode 0xB', options: client, bytes: '8b', error: ProtocolError, closeCode: 1002 },
  { name: 'reserved control opcode 0xF', options: client, bytes: '8f', error: ProtocolError, closeCode: 1002 },
  { name: 'RSV1 without a negotiated extension', options: client, bytes: 'c1', error: ProtocolError, closeCode: 1002 },
  { name: 'RSV2 without a negotiated extension', options: client, bytes: 'a1', error: ProtocolError, closeCode: 1002 },
  { name: 'RSV3 without a negotiated extension', options: client, bytes: '91', error: ProtocolError, closeCode: 1002 },
  {
    name: 'RSV2 when only RSV1 is negotiated',
    options: { role: 'client', allowedRsv: { rsv1: true } },
    bytes: 'e1',
    error: ProtocolError,
    closeCode: 1002,
  },
  {
    name: 'RSV1 on a control frame even when negotiated',
    options: { role: 'client', allowedRsv: { rsv1: true } },
    bytes: 'c9',
    error: ProtocolError,
    closeCode: 1002,
  },
  { name: 'unmasked frame sent to a server', options: server, bytes: '81 05', error: ProtocolError, closeCode: 1002 },
  { name: 'masked frame sent to a client', options: client, bytes: '81 85', error: ProtocolError, closeCode: 1002 },
  { name: 'fragmented ping (FIN clear)', options: client, bytes: '09', error: ProtocolError, closeCode: 1002 },
  { name: 'fragmented close (FIN clear)', options: client, bytes: '08', error: ProtocolError, closeCode: 1002 },
  { name: 'ping with a 126-byte payload', options: client, bytes: '89 7e', error: ProtocolError, closeCode: 1002 },
  { name: 'close with a 64-bit length', options: client, bytes: '88 7f', error: ProtocolError, closeCode: 1002 },
  { name: '16-bit length used for 125 bytes', options: client, bytes: '82 7e 00 7d', error: ProtocolError, closeCode: 1002 },
  { name: '16-bit length used for 0 bytes', options: server, bytes: '82 fe 00 00', error: ProtocolError, closeCode: 1002 },
  {
    name: '64-bit length used for 65535 bytes',
    options: client,
    bytes: '82 7f 00 00 00 00 00 00 ff ff',
    error: ProtocolError,
    closeCode: 1002,
  },
  {
    name: '64-bit length with the most significant bit set',
    options: client,
    bytes: '82 7f 80 00 00 00 00 00 00 00',
    error: ProtocolError,
    closeCode: 1002,
  },
  {
    name: '64-bit length of 2^53 (beyond exact numbers)',
    options: client,
    bytes: '82 7f 00 20 00 00 00 00 00 00',
    error: PayloadTooBigError,
    closeCode: 1009,
  },
  { name: 'continuation with no message open', options: client, bytes: '80', error: ProtocolError, closeCode: 1002 },
  {
    name: 'text frame while a fragmented message is open',
    options: client,
    bytes: '01 01 41  81',
    error: ProtocolError,
    closeCode: 1002,
  },
  {
    name: 'binary frame while a fragmented message is open (after an interleaved ping)',
    options: client,
    bytes: '02 01 41  89 00  82',
    error: ProtocolError,
    closeCode: 1002,
  },
  {
    name: 'frame over maxFramePayload (header only)',
    options: { role: 'client', maxFramePayload: 1000 },
    bytes: '82 7e 03 e9',
    error: PayloadTooBigError,
    closeCode: 1009,
  },
  {
    name: 'masked frame over maxFramePayload (header only)',
    options: { role: 'server', maxFramePayload: 125 },
    bytes: '82 fe 00 7e', // fails before the masking key arrives
    error: PayloadTooBigError,
    closeCode: 1009,
  },
  {
    name: 'fragmented message over maxMessageSize (second header)',
    options: { role: 'client', maxMessageSize: 5 },
    bytes: '01 03 41 42 43  00 03',
    error: PayloadTooBigError,
    closeCode: 1009,
  },
  {
    name: 'a 1 GiB frame announced to a parser limited to 1 MiB',
    options: { role: 'client', maxFramePayload: 1 << 20, maxMessageSize: 1 << 20 },
    bytes: '82 7f 00 00 00 00 40 00 00 00',
    error: PayloadTooBigError,
    closeCode: 1009,
  },
];

describe('FrameParser rejects malformed input', () => {
  for (const c of malformed) {
    it(`${c.name} → ${c.closeCode}`, () => {
      const bytes = hex(c.bytes);
      const error = errorOf(() => parseAll(c.options, [bytes]));
      expect(error).toBeInstanceOf(c.error);
      expect(error!.closeCode).toBe(c.closeCode);
    });

    it(`${c.name} → ${c.closeCode}, fed one byte at a time, at the deciding byte`, () => {
      const bytes = hex(c.bytes);
      const parser = new FrameParser(c.options);
      // All bytes but the last are accepted: the last one decides.
      for (let i = 0; i < bytes.length - 1; i++) parser.push(bytes.subarray(i, i + 1));
      const error = errorOf(() => parser.push(bytes.subarray(bytes.length - 1)));
      expect(error).toBeInstanceOf(c.error);
      expect(error!.closeCode).toBe(c.closeCode);
    });
  }

  it('stays failed: later valid bytes throw the same error', () => {
    const parser = new FrameParser(client);
    const first = errorOf(() => parser.push(hex('83 00')));
    expect(first).toBeInstanceOf(ProtocolError);
    expect(errorOf(() => parser.push(hex('81 01 41')))).toBe(first);
  });

  it('never buffers the payload of a frame over the limit', () => {
    const parser = new FrameParser({ role: 'client', maxFramePayload: 100 });
    const wire = serializeFrame(createFrame(Opcode.Binary, new Uint8Array(50_000)), { mask: false });
    expect(() => parser.push(wire)).toThrow(PayloadTooBigError);
    expect(parser.bufferedBytes).toBe(0);
  });

  it('reports a frame larger than the runtime can allocate as 1009 even without limits', () => {
    // 2^52 bytes: within exact numbers, far beyond any ArrayBuffer.
    const error = errorOf(() => parseAll(client, [hex('82 7f 00 10 00 00 00 00 00 00 41')]));
    expect(error).toBeInstanceOf(PayloadTooBigError);
    expect(error!.closeCode).toBe(1009);
  });

  it('carries the configured limit on PayloadTooBigError', () => {
    const error = errorOf(() => parseAll({ role: 'client', maxFramePayload: 1000 }, [hex('82 7e 03 e9')]));
    expect((error as PayloadTooBigError).limit).toBe(1000);
  });
});

describe('FrameParser accepts valid input', () => {
  it('accepts payloads exactly at the limits', () => {
    const frames = [
      createFrame(Opcode.Text, new Uint8Array(3).fill(0x41), { fin: false }),
      createFrame(Opcode.Continuation, new Uint8Array(2).fill(0x41)),
    ];
    const wire = frames.map((f) => serializeFrame(f, { mask: false }));
    expect(parseAll({ role: 'client', maxFramePayload: 3, maxMessageSize: 5 }, wire)).toEqual(frames);
  });

  it('counts each message separately against maxMessageSize', () => {
    const frame = createFrame(Opcode.Binary, new Uint8Array(5));
    const wire = serializeFrame(frame, { mask: false });
    expect(parseAll({ role: 'client', maxMessageSize: 5 }, [wire, wire, wire])).toHaveLength(3);
  });

  it('decodes the length boundaries 0, 125, 126, 65535, 65536', () => {
    for (const size of [0, 125, 126, 65535, 65536]) {
      const frame = createFrame(Opcode.Binary, new Uint8Array(size).fill(9));
      for (const mask of [false, true]) {
        const out = parseAll({ role: mask ? 'server' : 'client' }, [serializeFrame(frame, { mask })]);
        expect(out).toEqual([frame]);
      }
    }
  });

  it('lets control frames interleave with a fragmented message', () => {
    const frames = [
      createFrame(Opcode.Text, hex('48'), { fin: false }),
      createFrame(Opcode.Ping, new Uint8Array(0)),
      createFrame(Opcode.Continuation, hex('49'), { fin: false }),
      createFrame(Opcode.Pong, hex('01 02')),
      createFrame(Opcode.Close, hex('03 e8')),
      createFrame(Opcode.Continuation, hex('4a')),
    ];
    expect(parseAll(client, frames.map((f) => serializeFrame(f, { mask: false })))).toEqual(frames);
  });

  it('accepts RSV bits once negotiation allows them', () => {
    const parser = new FrameParser(client);
    const frame = createFrame(Opcode.Text, hex('41'), { rsv1: true, rsv3: true });
    parser.setAllowedRsv({ rsv1: true, rsv3: true });
    expect(parser.push(serializeFrame(frame, { mask: false }))).toEqual([frame]);
  });

  it('never modifies the input, and returns unmasked whole payloads as views without copying', () => {
    const wire = serializeFrame(createFrame(Opcode.Binary, new Uint8Array(300).fill(5)), { mask: true });
    const before = wire.slice();
    const [masked] = new FrameParser(server).push(wire);
    expect(wire).toEqual(before);
    expect(masked!.payload.every((b) => b === 5)).toBe(true);

    const plain = serializeFrame(createFrame(Opcode.Binary, new Uint8Array(300).fill(6)), { mask: false });
    const [frame] = new FrameParser(client).push(plain);
    expect(frame!.payload.buffer).toBe(plain.buffer);
  });

  it('returns plain Uint8Array payloads even from Node Buffer chunks', () => {
    const wire = Buffer.from(serializeFrame(createFrame(Opcode.Binary, new Uint8Array([1, 2, 3])), { mask: false }));
    const [frame] = new FrameParser(client).push(wire);
    expect(Buffer.isBuffer(frame!.payload)).toBe(false);
    expect(frame!.payload).toEqual(new Uint8Array([1, 2, 3]));
    frame!.payload.slice()[0] = 99; // slice copies, as for any Uint8Array
    expect(wire[2]).toBe(1);
  });

  it('reports partially received bytes in bufferedBytes', () => {
    const parser = new FrameParser(server);
    const wire = serializeFrame(createFrame(Opcode.Binary, new Uint8Array(1000)), { mask: true });
    parser.push(wire.subarray(0, 3));
    expect(parser.bufferedBytes).toBe(3);
    parser.push(wire.subarray(3, 508));
    expect(parser.bufferedBytes).toBe(500); // header (8 bytes) read, 500 payload bytes held
    expect(parser.push(wire.subarray(508))).toHaveLength(1);
    expect(parser.bufferedBytes).toBe(0);
  });
});

// Random valid frame sequences: fragmented messages with control frames
// between fragments, payload sizes around every length boundary.
const payloadArb = fc.oneof(
  // size 'max' on every length below: fast-check 4 otherwise caps them near 10.
  fc.uint8Array({ maxLength: 130, size: 'max' }),
  fc.integer({ min: 65530, max: 65540 }).map((n) => new Uint8Array(n).fill(n & 0xff)),
  fc.constantFrom(new Uint8Array(126), new Uint8Array(125)),
);
const controlArb = fc
  .tuple(fc.constantFrom(Opcode.Ping, Opcode.Pong, Opcode.Close), fc.uint8Array({ maxLength: 125, size: 'max' }))
  .map(([opcode, payload]) => createFrame(opcode, payload));
const messageArb = fc
  .tuple(
    fc.constantFrom(Opcode.Text, Opcode.Binary),
    fc.array(fc.tuple(payloadArb, fc.option(controlArb, { nil: undefined })), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([opcode, parts, rsv1]) =>
    parts.flatMap(([payload, control], i): Frame[] => {
      const data = createFrame(i === 0 ? opcode : Opcode.Continuation, payload, {
        fin: i === parts.length - 1,
        rsv1: i === 0 && rsv1,
      });
      return control && i < parts.length - 1 ? [data, control] : [data];
    }),
  );
const streamArb = fc.array(messageArb, { minLength: 1, maxLength: 5 }).map((messages) => messages.flat());

/** Joins into a plain Uint8Array (a Buffer would make every payload view a Buffer too). */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Frames with payloads as base64: vitest compares large typed arrays element by element, slowly. */
function comparable(frames: readonly Frame[]) {
  return frames.map((f) => ({ ...f, payload: Buffer.from(f.payload.buffer, f.payload.byteOffset, f.payload.length).toString('base64') }));
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const to of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, to));
    from = to;
  }
  return chunks;
}

describe('FrameParser on random valid streams split at random points', () => {
  for (const role of ['client', 'server'] as const) {
    it(`parses back exactly the frames serialized (${role})`, () => {
      fc.assert(
        fc.property(streamArb, fc.array(fc.nat(), { maxLength: 20, size: 'max' }), (frames, cuts) => {
          const wire = concat(frames.map((f) => serializeFrame(f, { mask: role === 'server' })));
          const parsed = parseAll({ role, allowedRsv: { rsv1: true } }, splitAt(wire, cuts));
          expect(comparable(parsed)).toEqual(comparable(frames));
        }),
        { numRuns: 100 },
      );
    });
  }

  it('gives the same frames one byte at a time', () => {
    fc.assert(
      fc.property(fc.array(messageArb.filter((m) => m.every((f) => f.payload.length < 200)), { maxLength: 3 }), (messages) => {
        const frames = messages.flat();
        const wire = concat(frames.map((f) => serializeFrame(f, { mask: true })));
        const singles = Array.from(wire, (_, i) => wire.subarray(i, i + 1));
        expect(parseAll({ role: 'server', allowedRsv: { rsv1: true } }, singles)).toEqual(frames);
      }),
      { numRuns: 50 },
    );
  });
});

describe('FrameParser on hostile input', () => {
  // Whatever arrives, the parser either returns frames or throws one of its
  // typed errors: never a TypeError/RangeError from inside, never a hang.
  function feed(options: FrameParserOptions, chunks: Uint8Array[]): void {
    const parser = new FrameParser(options);
    try {
      for (const chunk of chunks) {
        parser.push(chunk);
        if (parser.error) throw parser.error; // held behind frames completed earlier in the chunk
      }
    } catch (error) {
      expect(error instanceof ProtocolError || error instanceof PayloadTooBigError).toBe(true);
      expect([1002, 1009]).toContain((error as WebSocketError).closeCode);
    }
  }

  it('fails random bytes only with typed errors', () => {
    let long = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300, size: 'max' }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (bytes, cuts, isServer) => {
        if (bytes.length > 100) long++;
        feed({ role: isServer ? 'server' : 'client', maxFramePayload: 1 << 24, allowedRsv: { rsv1: true } }, splitAt(bytes, cuts));
      }),
      { numRuns: 3000 },
    );
    expect(long).toBeGreaterThan(1000); // hostile inputs of real size, not just a few bytes
  });

  it('fails corrupted valid streams only with typed errors', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (frames, corruptions, cuts) => {
          const wire = concat(frames.map((f) => serializeFrame(f, { mask: false })));
          for (const [at, value] of corruptions) wire[at % wire.length] = value;
          feed({ role: 'client', maxMessageSize: 1 << 20 }, splitAt(wire, cuts));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('FrameParser keeps what came before a violation', () => {
  // "Hi", Close 1000, then a reserved opcode — all in one chunk.
  const wire = hex('81 02 48 69 88 02 03 e8 83');

  it('returns the frames completed before the bad byte and holds the error', () => {
    const parser = new FrameParser(client);
    const frames = parser.push(wire);
    expect(frames.map((f) => f.opcode)).toEqual([Opcode.Text, Opcode.Close]);
    expect(parser.error).toBeInstanceOf(ProtocolError);
    expect(parser.error!.closeCode).toBe(1002);
    // Stays failed: the held error is thrown by every later push.
    expect(errorOf(() => parser.push(hex('81 01 41')))).toBe(parser.error);
  });

  it('gives the same frames whatever the segmentation', () => {
    for (let cut = 0; cut <= wire.length; cut++) {
      const parser = new FrameParser(client);
      const frames: Frame[] = [];
      let error: WebSocketError | undefined;
      for (const chunk of [wire.subarray(0, cut), wire.subarray(cut)]) {
        try {
          frames.push(...parser.push(chunk));
        } catch (e) {
          error = e as WebSocketError;
          break;
        }
        if (parser.error) break;
      }
      expect(frames.map((f) => f.opcode)).toEqual([Opcode.Text, Opcode.Close]);
      expect(error ?? parser.error).toBeInstanceOf(ProtocolError);
    }
  });

  it('throws at once when no frame precedes the violation, and has no error before', () => {
    const parser = new FrameParser(client);
    expect(parser.error).toBeUndefined();
    const error = errorOf(() => parser.push(hex('83 00')));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(parser.error).toBe(error);
  });
});

describe('FrameParser idle', () => {
  it('is false once a header announcing a payload is read, even before any payload byte', () => {
    const parser = new FrameParser(client);
    expect(parser.idle).toBe(true);
    parser.push(hex('82 7e 01 00'));
    expect(parser.idle).toBe(false);
    parser.push(new Uint8Array(256));
    expect(parser.idle).toBe(true);
  });

  it('is false with a partial header or an open fragmented message', () => {
    const parser = new FrameParser(client);
    parser.push(hex('82'));
    expect(parser.idle).toBe(false);
    parser.push(hex('00 01 01 41'));
    expect(parser.inMessage).toBe(true);
    expect(parser.idle).toBe(false);
    parser.push(hex('80 00'));
    expect(parser.idle).toBe(true);
  });
});

describe('FrameParser limits must be numbers ≥ 0', () => {
  for (const bad of [NaN, -1, '10' as unknown as number]) {
    it(`refuses maxFramePayload/maxMessageSize = ${String(bad)} with a RangeError`, () => {
      expect(() => new FrameParser({ role: 'client', maxFramePayload: bad })).toThrow(RangeError);
      expect(() => new FrameParser({ role: 'client', maxMessageSize: bad })).toThrow(RangeError);
    });
  }

  it('accepts 0 and Infinity', () => {
    expect(() => parseAll({ role: 'client', maxFramePayload: 0 }, [hex('82 01 41')])).toThrow(PayloadTooBigError);
    expect(parseAll({ role: 'client', maxMessageSize: Infinity }, [hex('82 01 41')])).toHaveLength(1);
  });
});

describe('FrameParser payloads own their memory', () => {
  // A payload handed to the application must not pin or share a larger buffer:
  // keeping one small message must not keep 16 KiB alive, and transferring it
  // must not empty other payloads.
  for (const [role, mask] of [['server', true], ['client', false]] as const) {
    // (A 1-byte unmasked payload cannot be split, so it always arrives whole.)
    for (const size of mask ? [1, 50, 1024, 1500, 5000, 70_000] : [50, 1024, 1500, 5000, 70_000]) {
      it(`${role}: a ${size}-byte payload, whole or split, is an exact buffer of its own`, () => {
        const wire = concatFrames([
          serializeFrame(createFrame(Opcode.Binary, new Uint8Array(size).fill(1)), { mask }),
          serializeFrame(createFrame(Opcode.Binary, new Uint8Array(size).fill(2)), { mask }),
        ]);
        // Unmasked payloads that arrive whole are views of the caller's chunk
        // (documented zero-copy), so for the client only split input counts.
        const half = wire.length >> 1;
        const midPayloads = splitAt(wire, [half - (size >> 1), wire.length - (size >> 1)]);
        for (const chunks of mask ? [[wire], midPayloads] : [midPayloads]) {
          const [a, b] = parseAll({ role }, chunks.map((c) => c.slice()));
          expect(a!.payload.byteOffset).toBe(0);
          expect(a!.payload.buffer.byteLength).toBe(size);
          structuredClone(a!.payload.buffer, { transfer: [a!.payload.buffer] });
          expect(b!.payload.length).toBe(size);
          expect(b!.payload.every((x) => x === 2)).toBe(true);
        }
      });
    }
  }
});

function concatFrames(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
