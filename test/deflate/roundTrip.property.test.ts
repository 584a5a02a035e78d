// Property: whatever the settings, message mix and fragmentation, our
// compressor's output inflates back to the input, frame for frame, and is
// never larger than the input for a message sent raw.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PerMessageCompressor } from '../../src/deflate/compressor.js';
import { PerMessageDecompressor } from '../../src/deflate/decompressor.js';
import type { WindowBits } from '../../src/deflate/params.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { backends, hex, prose, randomBytes } from './backends.js';

const message = fc.oneof(
  fc.record({ kind: fc.constant('prose' as const), size: fc.integer({ min: 0, max: 20_000 }), seed: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('noise' as const), size: fc.integer({ min: 0, max: 3_000 }), seed: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('repeat' as const), size: fc.integer({ min: 0, max: 5_000 }), seed: fc.integer({ min: 1, max: 3 }) }),
);

const scenario = fc.record({
  windowBits: fc.integer({ min: 8, max: 15 }),
  noContextTakeover: fc.boolean(),
  threshold: fc.integer({ min: 0, max: 64 }),
  level: fc.integer({ min: 0, max: 9 }),
  memLevel: fc.integer({ min: 1, max: 9 }),
  messages: fc.array(fc.record({ body: message, cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }) }), {
    minLength: 1,
    maxLength: 12,
  }),
});

function bodyOf(spec: { kind: 'prose' | 'noise' | 'repeat'; size: number; seed: number }): Uint8Array {
  if (spec.kind === 'noise') return randomBytes(spec.size, spec.seed);
  if (spec.kind === 'repeat') return new Uint8Array(spec.size).fill(64 + spec.seed);
  return prose(spec.size, spec.seed);
}

describe.each(backends)('round-trip property on %s', (_name, backend) => {
  it('inflates every fragment back to what was compressed', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const windowBits = s.windowBits as WindowBits;
        const compressor = new PerMessageCompressor({
          backend,
          windowBits,
          noContextTakeover: s.noContextTakeover,
          threshold: s.threshold,
          compressSettings: { level: s.level, memLevel: s.memLevel },
        });
        const decompressor = new PerMessageDecompressor({ backend, windowBits, noContextTakeover: s.noContextTakeover });
        for (const { body: spec, cuts } of s.messages) {
          const body = bodyOf(spec);
          const points = [...new Set(cuts.map((c) => Math.floor(c * body.length)))].sort((a, b) => a - b);
          const bounds = [0, ...points.filter((p) => p > 0 && p < body.length), body.length];
          const parts = bounds.slice(1).map((end, i) => body.subarray(bounds[i], end));
          let raw = false;
          parts.forEach((part, i) => {
            const frame = createFrame(i === 0 ? Opcode.Binary : Opcode.Continuation, part, { fin: i === parts.length - 1 });
            const wire = compressor.process(frame);
            if (i === 0) raw = !wire.rsv1;
            else expect(wire.rsv1).toBe(false);
            if (raw) expect(wire.payload.length).toBe(part.length);
            const back = decompressor.process(wire);
            expect(back.fin).toBe(frame.fin);
            expect(hex(back.payload)).toBe(hex(part));
          });
        }
      }),
      { numRuns: 150 },
    );
  });
});
