// Window bits 8: what zlib emits for an agreed 256-byte window is checked by
// a strict 256-byte inflater, on both backends.
import { describe, expect, it } from 'vitest';
import { Strategy, type ZlibBackend } from '../../src/deflate/backend.js';
import { PerMessageCompressor } from '../../src/deflate/compressor.js';
import { PerMessageDecompressor } from '../../src/deflate/decompressor.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { backends, hex, prose, randomBytes } from './backends.js';
import { strictInflate8 } from './strictInflate8.js';


describe.each(backends)('window bits 8 on %s', (_name, backend) => {
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
