// Property: arbitrary bytes marked compressed, in arbitrary frame sequences,
// end in output or in a typed WebSocketError (1002/1007/1009) — never another
// exception, never output past the limit.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PerMessageDecompressor } from '../../src/deflate/decompressor.js';
import { WebSocketError } from '../../src/protocol/errors.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { PerMessageCompressor } from '../../src/deflate/compressor.js';
import { backends, prose } from './backends.js';

// Real compressed data among the noise: prose, and 64 KiB of zeros in ~70 bytes.
const valid = [prose(2000), new Uint8Array(65_536)].map(
  (body) => new PerMessageCompressor({ threshold: 0 }).process(createFrame(Opcode.Binary, body)).payload,
);

const frameSpec = fc.record({
  opcode: fc.constantFrom(Opcode.Continuation, Opcode.Text, Opcode.Binary, Opcode.Ping),
  fin: fc.boolean(),
  rsv1: fc.boolean(),
  payload: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...valid)),
});

describe.each(backends)('hostile input on %s', (_name, backend) => {
  it('fails only with typed errors and never exceeds the limit', () => {
    fc.assert(
      fc.property(fc.array(frameSpec, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 4096 }), (frames, limit) => {
        const decompressor = new PerMessageDecompressor({ backend, maxMessageSize: limit });
        let compressed = false;
        let inflated = 0;
        for (const spec of frames) {
          const frame = createFrame(spec.opcode, spec.payload, { fin: spec.fin, rsv1: spec.rsv1 });
          let out;
          try {
            out = decompressor.process(frame);
          } catch (error) {
            expect(error).toBeInstanceOf(WebSocketError);
            expect([1002, 1007, 1009]).toContain((error as WebSocketError).closeCode);
            return;
          }
          if (spec.opcode === Opcode.Ping) continue;
          expect(out.rsv1).toBe(false);
          if (spec.opcode !== Opcode.Continuation) {
            compressed = spec.rsv1;
            inflated = 0;
          }
          // Only inflated messages are ours to bound; raw ones pass through as sent.
          if (compressed) {
            inflated += out.payload.length;
            expect(inflated).toBeLessThanOrEqual(limit);
          } else {
            expect(out).toBe(frame);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
