// The sans-I/O codec on both backends: RFC 7692 §7.2.3 byte-exact examples,
// RSV1 rules, context takeover, fragments, thresholds and opt-outs,
// incompressible data, window bits 8 and BFINAL peers.
import { describe, expect, it } from 'vitest';
import * as pako from 'pako';
import { Strategy, type ZlibBackend } from '../../src/deflate/backend.js';
import { PerMessageCompressor } from '../../src/deflate/compressor.js';
import { PerMessageDecompressor } from '../../src/deflate/decompressor.js';
import { sendUncompressed } from '../../src/deflate/uncompressed.js';
import { InvalidDataError, ProtocolError } from '../../src/protocol/errors.js';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { backends, fromHex, hex, prose, randomBytes, utf8 } from './backends.js';

const text = (payload: string | Uint8Array, flags: Partial<Frame> = {}) =>
  createFrame(Opcode.Text, typeof payload === 'string' ? utf8(payload) : payload, flags);
const cont = (payload: Uint8Array, flags: Partial<Frame> = {}) => createFrame(Opcode.Continuation, payload, flags);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * Inflates each payload with an 8-bit (256-byte) window, one output byte per
 * zlib call: every back-reference then goes through the window, so any
 * distance over 256 fails ("invalid distance too far back"), within a message
 * as well as across messages.
 */
function strictInflate8(payloads: Uint8Array[]): Uint8Array[] {
  const strm = new pako.ZStream();
  pako.zlibInflateInit2(strm, -8);
  return payloads.map((payload) => {
    const input = new Uint8Array(payload.length + 4);
    input.set(payload);
    input.set([0, 0, 0xff, 0xff], payload.length);
    strm.input = input;
    strm.next_in = 0;
    strm.avail_in = input.length;
    const out: number[] = [];
    const one = new Uint8Array(1);
    for (;;) {
      strm.output = one;
      strm.next_out = 0;
      strm.avail_out = 1;
      const status = pako.zlibInflate(strm, pako.Z_SYNC_FLUSH);
      if (status < 0 && status !== pako.Z_BUF_ERROR) throw new Error(strm.msg);
      if (strm.next_out === 1) out.push(one[0]!);
      else if (strm.avail_in === 0 || status === pako.Z_BUF_ERROR) break;
    }
    return Uint8Array.from(out);
  });
}

describe.each(backends)('codec on %s', (_name, backend) => {
  const compressor = (options = {}) => new PerMessageCompressor({ backend, threshold: 0, ...options });
  const decompressor = (options = {}) => new PerMessageDecompressor({ backend, ...options });

  describe('RFC 7692 §7.2.3 examples', () => {
    it('7.2.3.1 compresses "Hello" to f2 48 cd c9 c9 07 00 with RSV1', () => {
      const out = compressor({ sendRawIfNotSmaller: false }).process(text('Hello'));
      expect(hex(out.payload)).toBe('f248cdc9c90700');
      expect(out.rsv1).toBe(true);
      expect(out.fin).toBe(true);
    });

    it('7.2.3.1 inflates the unfragmented and the fragmented forms', () => {
      expect(decode(decompressor().process(text(fromHex('f248cdc9c90700'), { rsv1: true })).payload)).toBe('Hello');
      const d = decompressor();
      const a = d.process(text(fromHex('f248cd'), { rsv1: true, fin: false }));
      const b = d.process(cont(fromHex('c9c90700')));
      expect(a.rsv1).toBe(false);
      expect(a.fin).toBe(false);
      expect(b.fin).toBe(true);
      expect(decode(a.payload) + decode(b.payload)).toBe('Hello');
    });

    it('7.2.3.2 shares the window: the second "Hello" is f2 00 11 00 00 both ways', () => {
      const c = compressor({ sendRawIfNotSmaller: false });
      c.process(text('Hello'));
      expect(hex(c.process(text('Hello')).payload)).toBe('f200110000');
      const d = decompressor();
      expect(decode(d.process(text(fromHex('f248cdc9c90700'), { rsv1: true })).payload)).toBe('Hello');
      expect(decode(d.process(text(fromHex('f200110000'), { rsv1: true })).payload)).toBe('Hello');
    });

    it('7.2.3.2 without context takeover repeats the first encoding', () => {
      const c = compressor({ sendRawIfNotSmaller: false, noContextTakeover: true });
      expect(hex(c.process(text('Hello')).payload)).toBe('f248cdc9c90700');
      expect(hex(c.process(text('Hello')).payload)).toBe('f248cdc9c90700');
    });

    it('7.2.3.3 inflates a stored (uncompressed) block', () => {
      const out = decompressor().process(text(fromHex('0005 00faff 48656c6c6f 00'), { rsv1: true }));
      expect(decode(out.payload)).toBe('Hello');
    });

    it('7.2.3.4 inflates a BFINAL block and keeps working on the next messages', () => {
      const d = decompressor();
      const bfinal = () => text(fromHex('f348cdc9c9070000'), { rsv1: true });
      expect(decode(d.process(bfinal()).payload)).toBe('Hello');
      // The next message starts a new deflate stream: it must not come out empty.
      expect(decode(d.process(text(fromHex('f248cdc9c90700'), { rsv1: true })).payload)).toBe('Hello');
      expect(decode(d.process(bfinal()).payload)).toBe('Hello');
      expect(decode(d.process(bfinal()).payload)).toBe('Hello');
    });

    it('7.2.3.4 accepts a BFINAL stream without the trailing empty block too', () => {
      const d = decompressor();
      expect(decode(d.process(text(fromHex('f348cdc9c90700'), { rsv1: true })).payload)).toBe('Hello');
      expect(decode(d.process(text(fromHex('f248cdc9c90700'), { rsv1: true })).payload)).toBe('Hello');
    });

    it('rejects data after a BFINAL block with 1007', () => {
      const d = decompressor();
      expect(() => d.process(text(fromHex('f348cdc9c90700' + 'f248cdc9c90700'), { rsv1: true }))).toThrow(InvalidDataError);
    });

    it('7.2.3.5 inflates two deflate blocks in one message', () => {
      const out = decompressor().process(text(fromHex('f24805000000ffffcac9c90700'), { rsv1: true }));
      expect(decode(out.payload)).toBe('Hello');
    });
  });

  describe('RSV1 and framing rules', () => {
    it('rejects RSV1 on a continuation frame with 1002', () => {
      const d = decompressor();
      d.process(text(fromHex('f248cd'), { rsv1: true, fin: false }));
      let error: unknown;
      try {
        d.process(cont(fromHex('c9c90700'), { rsv1: true }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).closeCode).toBe(1002);
    });

    it('rejects RSV1 on a control frame with 1002', () => {
      expect(() => decompressor().process(createFrame(Opcode.Ping, new Uint8Array(0), { rsv1: true }))).toThrow(ProtocolError);
    });

    it('passes control frames through untouched and never compresses them', () => {
      const ping = createFrame(Opcode.Ping, utf8('ping ping ping ping ping ping ping ping'));
      expect(compressor().process(ping)).toBe(ping);
      expect(decompressor().process(ping)).toBe(ping);
    });

    it('sets RSV1 only on the first frame of a compressed message', () => {
      const c = compressor();
      const body = prose(3000);
      const frames = [
        c.process(text(body.subarray(0, 1000), { fin: false })),
        c.process(cont(body.subarray(1000, 2000), { fin: false })),
        c.process(cont(body.subarray(2000), { fin: true })),
      ];
      expect(frames.map((f) => f.rsv1)).toEqual([true, false, false]);
      expect(frames.map((f) => f.opcode)).toEqual([Opcode.Text, Opcode.Continuation, Opcode.Continuation]);
    });

    it('passes uncompressed messages (RSV1 clear) through unchanged', () => {
      const frame = text('plain');
      expect(decompressor().process(frame)).toBe(frame);
    });

    it('rejects a continuation without a message and a message inside a message', () => {
      expect(() => decompressor().process(cont(utf8('x')))).toThrow(ProtocolError);
      const d = decompressor();
      d.process(text('a', { fin: false }));
      expect(() => d.process(text('b'))).toThrow(ProtocolError);
    });

    it('fails with 1007 on corrupt data and stays failed', () => {
      const d = decompressor();
      let error: unknown;
      try {
        d.process(text(fromHex('ffffffffff'), { rsv1: true }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidDataError);
      expect((error as InvalidDataError).closeCode).toBe(1007);
      expect(() => d.process(text(fromHex('f248cdc9c90700'), { rsv1: true }))).toThrow(InvalidDataError);
    });
  });

  describe('round trips', () => {
    const sizes = [1, 100, 4096, 70_000, 300_000];
    for (const noContextTakeover of [false, true]) {
      it(`round-trips prose of several sizes (noContextTakeover=${noContextTakeover})`, () => {
        const c = compressor({ noContextTakeover });
        const d = decompressor({ noContextTakeover });
        for (const size of sizes) {
          for (const seed of [1, 2]) {
            const body = prose(size, seed);
            const wire = c.process(text(body));
            expect(wire.rsv1).toBe(size > 1);
            const back = d.process(wire);
            expect(back.rsv1).toBe(false);
            expect(hex(back.payload)).toBe(hex(body));
          }
        }
      });
    }

    it('context takeover makes a repeated message much smaller; no_context_takeover does not', () => {
      const body = prose(2000, 3);
      const keep = compressor();
      const first = keep.process(text(body)).payload.length;
      const second = keep.process(text(body)).payload.length;
      expect(second).toBeLessThan(first / 10);
      const reset = compressor({ noContextTakeover: true });
      expect(reset.process(text(body)).payload.length).toBe(first);
      expect(reset.process(text(body)).payload.length).toBe(first);
    });

    it('streams a fragmented message: frames out = frames in, each fragment inflates to its own data', () => {
      const c = compressor();
      const d = decompressor();
      const body = prose(50_000, 5);
      const cuts = [0, 7, 7, 20_000, 20_001, 49_000, 50_000];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const part = body.subarray(cuts[i], cuts[i + 1]);
        const fin = i + 2 === cuts.length;
        const frame = i === 0 ? text(part, { fin }) : cont(part, { fin });
        const wire = c.process(frame);
        expect(wire.fin).toBe(fin);
        const back = d.process(wire);
        expect(hex(back.payload)).toBe(hex(part));
      }
    });

    it('handles an empty final fragment of a compressed message', () => {
      const c = compressor();
      const d = decompressor();
      const a = c.process(text(prose(500), { fin: false }));
      const b = c.process(cont(new Uint8Array(0)));
      expect(a.rsv1).toBe(true);
      expect(decode(d.process(a).payload) + decode(d.process(b).payload)).toBe(decode(prose(500)));
      // The context is intact afterwards.
      expect(decode(d.process(c.process(text(prose(800, 9)))).payload)).toBe(decode(prose(800, 9)));
    });

    it('sends an empty message uncompressed', () => {
      const out = compressor().process(text(new Uint8Array(0)));
      expect(out.rsv1).toBe(false);
      expect(out.payload.length).toBe(0);
    });

    it('inflates an empty compressed message (payload 00)', () => {
      expect(decompressor().process(text(fromHex('00'), { rsv1: true })).payload.length).toBe(0);
    });
  });

  describe('per-message choice', () => {
    it('sends messages below the threshold uncompressed, at or above it compressed', () => {
      const c = new PerMessageCompressor({ backend, threshold: 100 });
      expect(c.process(text('a'.repeat(99))).rsv1).toBe(false);
      expect(c.process(text('a'.repeat(100))).rsv1).toBe(true);
    });

    it('honours sendUncompressed() and shouldCompress', () => {
      const c = compressor();
      const marked = c.process(sendUncompressed(text('b'.repeat(1000))));
      expect(marked.rsv1).toBe(false);
      expect(marked.payload.length).toBe(1000);
      const picky = compressor({ shouldCompress: (frame: Frame) => frame.opcode === Opcode.Text });
      expect(picky.process(createFrame(Opcode.Binary, utf8('c'.repeat(1000)))).rsv1).toBe(false);
      expect(picky.process(text('c'.repeat(1000))).rsv1).toBe(true);
    });

    it('never sends incompressible data bigger than it came, and keeps both windows consistent', () => {
      const c = compressor();
      const d = decompressor();
      const noise = randomBytes(1000, 42);
      const messages = [prose(1000, 1), noise, noise, prose(1000, 1), noise];
      for (const body of messages) {
        const wire = c.process(createFrame(Opcode.Binary, body));
        expect(wire.payload.length).toBeLessThanOrEqual(body.length);
        // A repeat of the noise would compress to a back-reference the peer never
        // saw unless the deflater forgot it: it must still round-trip.
        expect(hex(d.process(wire).payload)).toBe(hex(body));
      }
    });

    it('a whole fragmented message goes raw when its first fragment does not shrink', () => {
      const c = compressor();
      const a = c.process(createFrame(Opcode.Binary, randomBytes(2000), { fin: false }));
      const b = c.process(cont(prose(2000)));
      expect([a.rsv1, b.rsv1]).toEqual([false, false]);
      expect(b.payload.length).toBe(2000);
    });
  });

  describe('freeing contexts between messages', () => {
    function counting() {
      const counts = { deflaters: 0, inflaters: 0, closed: 0 };
      const wrapped: ZlibBackend = {
        name: 'counting',
        zlibMatchLimit: true,
        createDeflater(options) {
          counts.deflaters++;
          const inner = backend.createDeflater(options);
          return { write: (i, o) => inner.write(i, o), reset: () => inner.reset(), close: () => (counts.closed++, inner.close()) };
        },
        createInflater(options) {
          counts.inflaters++;
          const inner = backend.createInflater(options);
          return { write: (i, o) => inner.write(i, o), reset: () => inner.reset(), close: () => (counts.closed++, inner.close()) };
        },
      };
      return { counts, wrapped };
    }

    it('frees both contexts after every message under no_context_takeover, and still round-trips', () => {
      const { counts, wrapped } = counting();
      const options = { backend: wrapped, noContextTakeover: true, freeContextBetweenMessages: true };
      const c = new PerMessageCompressor({ ...options, threshold: 0 });
      const d = new PerMessageDecompressor(options);
      for (let i = 0; i < 3; i++) {
        const body = prose(2000, i);
        expect(hex(d.process(c.process(text(body))).payload)).toBe(hex(body));
      }
      expect(counts).toEqual({ deflaters: 3, inflaters: 3, closed: 6 });
      // Fragmented: one context for the whole message.
      const body = prose(3000, 9);
      const a = c.process(text(body.subarray(0, 1000), { fin: false }));
      const b = c.process(cont(body.subarray(1000)));
      expect(decode(d.process(a).payload) + decode(d.process(b).payload)).toBe(decode(body));
      expect(counts.deflaters).toBe(4);
    });

    it('keeps the context when context takeover is on, whatever the option says', () => {
      const { counts, wrapped } = counting();
      const c = new PerMessageCompressor({ backend: wrapped, threshold: 0, freeContextBetweenMessages: true });
      for (let i = 0; i < 3; i++) c.process(text(prose(2000, i)));
      expect(counts).toEqual({ deflaters: 1, inflaters: 0, closed: 0 });
    });
  });

  describe('window bits 8', () => {
    // Periodic data whose periods straddle 256 bytes, repeated across messages:
    // a deflater free to use 512 bytes of history would reach past 256.
    const periodic = (period: number, length: number, seed: number) => {
      const unit = randomBytes(period, seed);
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = unit[i % period]!;
      return out;
    };
    const messages = [240, 250, 251, 255, 256, 257, 262, 270, 300, 511].flatMap((period, i) => [
      periodic(period, 700, i + 1),
      randomBytes(period, i + 1),
      randomBytes(period, i + 1),
      prose(900, i),
    ]);

    it('a 10-bit window stream is rejected by a strict 8-bit inflater (the checker is strict)', () => {
      const c = new PerMessageCompressor({ backend, windowBits: 10, threshold: 0, sendRawIfNotSmaller: false });
      const wires = messages.map((body) => c.process(createFrame(Opcode.Binary, body)).payload);
      expect(() => strictInflate8(wires)).toThrow(/too far back/);
    });

    it('compresses with windowBits 8 into streams a strict 8-bit inflater accepts', () => {
      for (const compressSettings of [{}, { level: 9, memLevel: 9 }, { level: 1, memLevel: 1 }]) {
        const c = new PerMessageCompressor({ backend, windowBits: 8, threshold: 0, sendRawIfNotSmaller: false, compressSettings });
        const wires = messages.map((body) => c.process(createFrame(Opcode.Binary, body)).payload);
        expect(strictInflate8(wires).map(hex)).toEqual(messages.map(hex));
        // Still real compression (matches, not just Huffman coding) on repetitive data.
        expect(wires[0]!.length).toBeLessThan(500);
      }
    });

    it('falls back to run-length encoding on a backend without the zlib distance limit', () => {
      const seen: number[] = [];
      const unknown: ZlibBackend = {
        name: 'spy',
        createDeflater: (options) => (seen.push(options.strategy), backend.createDeflater(options)),
        createInflater: (options) => backend.createInflater(options),
      };
      const c = new PerMessageCompressor({ backend: unknown, windowBits: 8, threshold: 0, sendRawIfNotSmaller: false });
      const wires = messages.map((body) => c.process(createFrame(Opcode.Binary, body)).payload);
      expect(seen).toEqual([Strategy.Rle]);
      // Distance-1 matches only: the periodic message barely shrinks.
      expect(wires[0]!.length).toBeGreaterThan(600);
      expect(strictInflate8(wires).map(hex)).toEqual(messages.map(hex));
    });

    it('inflates 8-bit-window streams with the decompressor', () => {
      const c = new PerMessageCompressor({ backend, windowBits: 8, threshold: 0 });
      const d = new PerMessageDecompressor({ backend, windowBits: 8 });
      for (const body of messages) {
        expect(hex(d.process(c.process(createFrame(Opcode.Binary, body))).payload)).toBe(hex(body));
      }
    });
  });
});
