// lowMemoryBackend hands the stream between pako (small writes) and a
// transient native deflater (writes ≥ NATIVE_FROM). Checked here: the output
// is one valid raw deflate stream for an independent inflater (node:zlib),
// the window really carries across each hand-over in both directions (else
// repeats would not shrink), and window 8 stays within 256 bytes.
import { inflateRawSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PerMessageCompressor } from '../../src/deflate/compressor.js';
import { NATIVE_FROM, lowMemoryBackend } from '../../src/deflate/lowMemoryBackend.js';
import { minizlibBackend } from '../../src/deflate/minizlibBackend.js';
import type { WindowBits } from '../../src/deflate/params.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { prose, randomBytes } from './backends.js';
import { strictInflate8 } from './strictInflate8.js';

const TAIL = Uint8Array.of(0, 0, 0xff, 0xff);

function compressor(windowBits: WindowBits, backend = lowMemoryBackend): PerMessageCompressor {
  return new PerMessageCompressor({ backend, windowBits, threshold: 0, sendRawIfNotSmaller: false });
}

/** Compresses whole messages; returns each message's wire payload. */
function send(c: PerMessageCompressor, messages: readonly Uint8Array[]): Uint8Array[] {
  return messages.map((m) => {
    const frame = c.process(createFrame(Opcode.Binary, m));
    expect(frame.rsv1).toBe(true);
    return frame.payload;
  });
}

/** Inflates the whole connection as one raw deflate stream with node:zlib (not the backend under test). */
function inflateConnection(wire: readonly Uint8Array[], windowBits: number): Buffer {
  const stream = Buffer.concat(wire.flatMap((w) => [w, TAIL]));
  return inflateRawSync(stream, { windowBits, finishFlush: constants.Z_SYNC_FLUSH });
}

describe('lowMemoryBackend hand-over between pako and native zlib', () => {
  it('produces one continuous stream across small and large writes, fragmented or not', () => {
    const c = compressor(12);
    const messages = [prose(300, 1), prose(NATIVE_FROM, 2), prose(100, 3), prose(40_000, 4), prose(NATIVE_FROM - 1, 5), prose(9_000, 6), prose(50, 7)];
    const wire = send(c, messages);
    // Fragments of one message: a large one and a small one, both ways round.
    const body = prose(12_000, 8);
    const parts = [body.subarray(0, 8_000), body.subarray(8_000, 8_100), body.subarray(8_100)];
    const fragmentWire = parts.map(
      (part, i) => c.process(createFrame(i === 0 ? Opcode.Binary : Opcode.Continuation, part, { fin: i === parts.length - 1 })).payload,
    );
    const inflated = inflateConnection([...wire, Buffer.concat(fragmentWire)], 12);
    expect(inflated.equals(Buffer.concat([...messages, body]))).toBe(true);
  });

  it('carries the window from pako into the native deflater', () => {
    const seed = prose(3_000, 11);
    const large = new Uint8Array(NATIVE_FROM * 2);
    large.set(seed);
    large.set(randomBytes(large.length - seed.length, 3), seed.length);
    const withHistory = send(compressor(12), [seed, large])[1]!;
    const fresh = send(compressor(12), [large])[0]!;
    // The 3,000 repeated bytes cost a few matches instead of ~1,700 bytes of literals.
    expect(fresh.length - withHistory.length).toBeGreaterThan(1_500);
  });

  it('carries the window from the native deflater back into pako', () => {
    const large = prose(NATIVE_FROM * 3, 12);
    const repeat = large.slice(large.length - 2_000);
    const [, again] = send(compressor(12), [large, repeat]);
    const alone = send(compressor(12), [repeat])[0]!;
    expect(again!.length).toBeLessThan(40);
    expect(alone.length).toBeGreaterThan(500);
    // Same result as a native deflater that kept its context all along.
    const nativeAgain = send(compressor(12, minizlibBackend), [large, repeat])[1]!;
    expect(again!.length).toBeLessThanOrEqual(nativeAgain.length + 8);
  });

  it('forgets the window on reset (no context takeover)', () => {
    const c = new PerMessageCompressor({ backend: lowMemoryBackend, windowBits: 12, threshold: 0, noContextTakeover: true });
    const large = prose(NATIVE_FROM * 2, 13);
    const small = large.slice(large.length - 1_000);
    const wire = send(c, [large, small]);
    // Each message must inflate on its own, with a fresh window.
    for (const [i, message] of [large, small].entries()) {
      expect(inflateConnection([wire[i]!], 12).equals(Buffer.from(message))).toBe(true);
    }
  });

  it('keeps window 8 within 256 bytes across hand-overs', () => {
    const periodic = (period: number, length: number, seed: number) => {
      const unit = randomBytes(period, seed);
      return Uint8Array.from({ length }, (_, i) => unit[i % period]!);
    };
    const messages = [periodic(300, 200, 1), periodic(257, NATIVE_FROM * 2, 2), periodic(300, 700, 3), periodic(511, NATIVE_FROM, 4), prose(600, 5)];
    const wire = send(compressor(8), messages);
    expect(strictInflate8(wire).map((m) => Buffer.from(m).toString('hex'))).toEqual(messages.map((m) => Buffer.from(m).toString('hex')));
  });
});
