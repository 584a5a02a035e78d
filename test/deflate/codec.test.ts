// The sans-I/O codec on both backends: RSV1 rules, context takeover,
// fragments, thresholds and opt-outs, incompressible data, freeing contexts.
// (RFC examples: rfcExamples.test.ts; window bits 8: windowBits8.test.ts.)
import { describe, expect, it } from 'vitest';
import type { ZlibBackend } from '../../src/deflate/backend.js';
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

describe.each(backends)('codec on %s', (_name, backend) => {
  const compressor = (options = {}) => new PerMessageCompressor({ backend, threshold: 0, ...options });
  const decompressor = (options = {}) => new PerMessageDecompressor({ backend, ...options });

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

    it('defaults to a 16-byte threshold', () => {
      const c = new PerMessageCompressor({ backend });
      expect(c.process(text('a'.repeat(15))).rsv1).toBe(false);
      expect(c.process(text('a'.repeat(16))).rsv1).toBe(true);
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

    it('compresses a stream of short JSON messages that only shrink with context takeover', () => {
      // 52-byte ticks grow by two bytes on an empty window; sent raw, each would
      // reset the window again and no tick would ever be compressed.
      const c = compressor({ threshold: 16 });
      const d = decompressor();
      let sent = 0;
      let wireBytes = 0;
      for (let seq = 0; seq < 50; seq++) {
        const body = utf8(JSON.stringify({ type: 'tick', seq, symbol: 'ACME', bid: 101.25 }));
        const wire = c.process(createFrame(Opcode.Text, body));
        if (seq > 0) expect(wire.rsv1).toBe(true);
        expect(decode(d.process(wire).payload)).toBe(decode(body));
        sent += body.length;
        wireBytes += wire.payload.length;
      }
      expect(wireBytes / sent).toBeLessThan(0.3);
    });

    it('does not seed the window when every message starts fresh (no context takeover)', () => {
      const c = compressor({ noContextTakeover: true });
      const body = utf8(JSON.stringify({ type: 'tick', seq: 1, symbol: 'ACME', bid: 101.25 }));
      for (let i = 0; i < 3; i++) expect(c.process(createFrame(Opcode.Text, body)).payload.length).toBeLessThanOrEqual(body.length);
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
});
