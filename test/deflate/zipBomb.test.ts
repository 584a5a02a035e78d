// maxMessageSize while inflating: a 1 GiB zip bomb is refused (1009) after
// producing about the limit, never its expanded size, on both backends.
import { describe, expect, it } from 'vitest';
import { DeflateRaw, constants } from 'minizlib';
import type { ZlibBackend } from '../../src/deflate/backend.js';
import { PerMessageDecompressor } from '../../src/deflate/decompressor.js';
import { PayloadTooBigError } from '../../src/protocol/errors.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { backends } from './backends.js';

const MiB = 1 << 20;

/**
 * Compressed zeros, built in constant memory: once the window is full of
 * zeros, every further MiB of zeros compresses to the same bytes, so the
 * stream is the first chunk's output followed by the steady-state chunk
 * repeated. The final sync tail is stripped, as a sender would.
 */
function zeroBomb(mebibytes: number): Uint8Array {
  const deflater = new DeflateRaw({ level: 9, flush: constants.Z_SYNC_FLUSH } as never);
  const chunks: Buffer[] = [];
  deflater.on('data', (c: Buffer) => chunks.push(c));
  const zeros = Buffer.alloc(MiB);
  deflater.write(zeros);
  const first = Buffer.concat(chunks.splice(0));
  deflater.write(zeros);
  const steady = Buffer.concat(chunks.splice(0));
  deflater.write(zeros);
  expect(Buffer.concat(chunks.splice(0)).equals(steady)).toBe(true);
  deflater.close();
  const out = new Uint8Array(first.length + steady.length * (mebibytes - 1) - 4);
  out.set(first, 0);
  for (let i = 1; i < mebibytes; i++) {
    const at = first.length + steady.length * (i - 1);
    out.set(i === mebibytes - 1 ? steady.subarray(0, steady.length - 4) : steady, at);
  }
  return out;
}

/** Wraps a backend to count inflated bytes and sample memory after every zlib call. */
function metered(backend: ZlibBackend) {
  const stats = { produced: 0, peakArrayBuffers: 0, calls: 0 };
  const wrapped: ZlibBackend = {
    ...backend,
    createInflater(options) {
      const inner = backend.createInflater(options);
      return {
        write(input, out) {
          const before = out.length;
          const consumed = inner.write(input, out);
          for (let i = before; i < out.length; i++) stats.produced += out[i]!.length;
          stats.calls++;
          if (stats.calls % 16 === 0 || stats.produced > 0) {
            stats.peakArrayBuffers = Math.max(stats.peakArrayBuffers, process.memoryUsage().arrayBuffers);
          }
          return consumed;
        },
        reset: () => inner.reset(),
        close: () => inner.close(),
      };
    },
  };
  return { wrapped, stats };
}

describe('zip bomb construction', () => {
  it('really expands to its nominal size (64 MiB checked in full)', () => {
    const bomb = zeroBomb(64);
    expect(bomb.length).toBeLessThan(64 * MiB / 1000);
    const out = new PerMessageDecompressor().process(createFrame(Opcode.Binary, bomb, { rsv1: true }));
    expect(out.payload.length).toBe(64 * MiB);
    expect(out.payload.every((b) => b === 0)).toBe(true);
  });
});

describe.each(backends)('zip bomb on %s', (_name, backend) => {
  const bomb = zeroBomb(1024); // 1 GiB of zeros in ~1 MiB

  it('refuses a 1 GiB bomb in one frame with 1009, inflating only about the limit', () => {
    const limit = 16 * MiB;
    const { wrapped, stats } = metered(backend);
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage().arrayBuffers;
    const decompressor = new PerMessageDecompressor({ backend: wrapped, maxMessageSize: limit });
    let error: unknown;
    try {
      decompressor.process(createFrame(Opcode.Binary, bomb, { rsv1: true }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PayloadTooBigError);
    expect((error as PayloadTooBigError).closeCode).toBe(1009);
    // At most one slice (≤ 64 compressed bytes near the limit) past it.
    expect(stats.produced).toBeGreaterThan(limit);
    expect(stats.produced).toBeLessThan(limit + 1032 * 64 + 64 * 1024);
    const extra = stats.peakArrayBuffers - baseline;
    console.log(`[zip bomb/${_name}] limit 16 MiB: inflated ${(stats.produced / MiB).toFixed(2)} MiB, peak extra arrayBuffers ${(extra / MiB).toFixed(1)} MiB`);
    expect(extra).toBeLessThan(1.5 * limit);
  });

  it('counts across fragments: a bomb split over many frames is refused too', () => {
    const limit = 8 * MiB;
    const { wrapped, stats } = metered(backend);
    const decompressor = new PerMessageDecompressor({ backend: wrapped, maxMessageSize: limit });
    const pieces = 64;
    const step = Math.ceil(bomb.length / pieces);
    let error: unknown;
    try {
      for (let i = 0; i < pieces; i++) {
        const part = bomb.subarray(i * step, (i + 1) * step);
        decompressor.process(createFrame(i === 0 ? Opcode.Binary : Opcode.Continuation, part, { rsv1: i === 0, fin: i === pieces - 1 }));
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PayloadTooBigError);
    expect(stats.produced).toBeLessThan(limit + 1032 * 64 + 64 * 1024);
  });

  it('lets a message of exactly the limit through, and fails at one byte more', () => {
    const limit = 4 * MiB;
    const exact = new PerMessageDecompressor({ backend, maxMessageSize: limit });
    expect(exact.process(createFrame(Opcode.Binary, zeroBomb(4), { rsv1: true })).payload.length).toBe(limit);
    const tight = new PerMessageDecompressor({ backend, maxMessageSize: limit - 1 });
    expect(() => tight.process(createFrame(Opcode.Binary, zeroBomb(4), { rsv1: true }))).toThrow(PayloadTooBigError);
  });
});
