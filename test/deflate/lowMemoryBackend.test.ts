// lowMemoryBackend hands the compressed stream between pako and a transient
// native deflater (writes ≥ NATIVE_FROM). Checked here: the output is one
// valid raw deflate stream for an independent inflater (node:zlib), the
// window really carries across each hand-over in both directions (else
// repeats would not shrink), and window 8 stays within 256 bytes; its
// (pako) inflater keeps context across small and large messages.
import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PerMessageCompressor } from '../../src/deflate/compressor.js';
import { PerMessageDecompressor } from '../../src/deflate/decompressor.js';
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

describe('lowMemoryBackend inflating', () => {
  const concat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));
  const small = prose(3_000, 31);
  const large = concat(small, prose(20_000, 32));
  const tail = large.slice(large.length - 3_000);

  /** Compresses with native zlib (context takeover), optionally fragmented; inflates with lowMemoryBackend. */
  function roundTrip(messages: readonly (readonly Uint8Array[])[], noContextTakeover = false): { wire: number[]; back: Uint8Array[] } {
    const c = new PerMessageCompressor({ backend: minizlibBackend, windowBits: 12, threshold: 0, sendRawIfNotSmaller: false, noContextTakeover });
    const d = new PerMessageDecompressor({ backend: lowMemoryBackend, windowBits: 12, noContextTakeover });
    const wire: number[] = [];
    const back = messages.map((parts) => {
      const out: Uint8Array[] = [];
      parts.forEach((part, i) => {
        const frame = c.process(createFrame(i === 0 ? Opcode.Binary : Opcode.Continuation, part, { fin: i === parts.length - 1 }));
        if (i === 0) wire.push(frame.payload.length);
        out.push(d.process(frame).payload);
      });
      return concat(...out);
    });
    return { wire, back };
  }

  it('inflates small and large messages that refer back to each other', () => {
    const messages = [[small], [large], [tail], [large], [small]];
    const { wire, back } = roundTrip(messages);
    expect(wire[2]).toBeLessThan(40);
    back.forEach((message, i) => expect(Buffer.from(message).equals(Buffer.from(messages[i]![0]!))).toBe(true));
  });

  it('inflates a fragmented large message', () => {
    const parts = [large.subarray(0, 15_000), large.subarray(15_000, 15_010), large.subarray(15_010)];
    const messages = [[small], parts, [tail], [prose(500, 33)]];
    const { back } = roundTrip(messages);
    back.forEach((message, i) => expect(Buffer.from(message).equals(Buffer.concat(messages[i]!))).toBe(true));
  });

  it('starts fresh after a reset (no context takeover)', () => {
    const messages = [[large], [tail], [large]];
    const { wire, back } = roundTrip(messages, true);
    expect(wire[1]).toBeGreaterThan(500);
    back.forEach((message, i) => expect(Buffer.from(message).equals(Buffer.from(messages[i]![0]!))).toBe(true));
  });

  it('keeps working after a large message from a BFINAL peer', () => {
    const d = new PerMessageDecompressor({ backend: lowMemoryBackend, windowBits: 15 });
    for (const message of [large, small, large]) {
      // Each message its own complete stream, ending with a BFINAL block (RFC 7692 §7.2.3.4).
      const frame = createFrame(Opcode.Binary, deflateRawSync(message), { rsv1: true });
      expect(Buffer.from(d.process(frame).payload).equals(Buffer.from(message))).toBe(true);
    }
  });
});
