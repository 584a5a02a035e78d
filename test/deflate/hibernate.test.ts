// Hibernation: between messages a session may drop all of its zlib state but
// the two windows (pako and lowMemoryBackend), rebuilt on the next message.
// Checked: context survives (repeats stay tiny, node:zlib reads the stream),
// nothing happens inside a message, and the shared idle sweeper puts a
// session to sleep after 1–2 delays without a frame, never when disabled.
import { constants, inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Deflater, Inflater, ZlibBackend } from '../../src/deflate/backend.js';
import { ClientPerMessageDeflateFactory } from '../../src/deflate/clientFactory.js';
import { PerMessageCompressor } from '../../src/deflate/compressor.js';
import { PerMessageDecompressor } from '../../src/deflate/decompressor.js';
import { IdleSweeper } from '../../src/deflate/idleSweeper.js';
import { NATIVE_FROM, lowMemoryBackend } from '../../src/deflate/lowMemoryBackend.js';
import { createPakoBackend, pakoBackend } from '../../src/deflate/pakoBackend.js';
import { ServerPerMessageDeflateFactory, type ServerPerMessageDeflateOptions } from '../../src/deflate/serverFactory.js';
import type { PerMessageDeflateSession } from '../../src/deflate/session.js';
import { ClientNegotiator, ServerNegotiator } from '../../src/negotiation/index.js';
import type { StageContext } from '../../src/protocol/extension.js';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { prose } from './backends.js';

const TAIL = Uint8Array.of(0, 0, 0xff, 0xff);
const context: StageContext = { signal: new AbortController().signal };

const sleepy: [string, ZlibBackend][] = [
  ['pako', pakoBackend],
  ['pako, legacy hash', createPakoBackend({ legacyHash: true })],
  ['low-memory', lowMemoryBackend],
];

describe.each(sleepy)('hibernating codecs on %s', (_name, backend) => {
  const small = prose(1_500, 41);
  const large = prose(NATIVE_FROM * 3, 42);
  const repeat = (m: Uint8Array) => m.slice(m.length - 1_000);

  it('keeps both windows across hibernation, after small and large messages', () => {
    const c = new PerMessageCompressor({ backend, windowBits: 12, threshold: 0, sendRawIfNotSmaller: false });
    const d = new PerMessageDecompressor({ backend, windowBits: 12 });
    // Each repeat comes right after a hibernation that followed a small or a large message.
    const messages = [small, repeat(small), large, repeat(large), repeat(large), small, large];
    const wire: Uint8Array[] = [];
    messages.forEach((m, i) => {
      const frame = c.process(createFrame(Opcode.Binary, m));
      wire.push(frame.payload);
      expect(Buffer.from(d.process(frame).payload).equals(Buffer.from(m))).toBe(true);
      c.hibernate();
      d.hibernate();
      if (i === 1 || i === 3 || i === 4) expect(frame.payload.length).toBeLessThan(40); // a repeat: the window survived
    });
    // And the compressed side is one continuous stream for an independent inflater.
    const all = inflateRawSync(Buffer.concat(wire.flatMap((w) => [w, TAIL])), { windowBits: 12, finishFlush: constants.Z_SYNC_FLUSH });
    expect(all.equals(Buffer.concat(messages))).toBe(true);
  });

  it('does nothing inside a fragmented message', () => {
    const c = new PerMessageCompressor({ backend, windowBits: 12, threshold: 0 });
    const d = new PerMessageDecompressor({ backend, windowBits: 12 });
    const parts = [small.subarray(0, 700), small.subarray(700)];
    const out = parts.map((part, i) => {
      const frame = c.process(createFrame(i === 0 ? Opcode.Text : Opcode.Continuation, part, { fin: i === 1 }));
      const back = d.process(frame).payload;
      c.hibernate();
      d.hibernate();
      return back;
    });
    expect(Buffer.concat(out).equals(Buffer.from(small))).toBe(true);
  });

  it('starts fresh after hibernating under no context takeover', () => {
    const c = new PerMessageCompressor({ backend, windowBits: 12, threshold: 0, noContextTakeover: true });
    const d = new PerMessageDecompressor({ backend, windowBits: 12, noContextTakeover: true });
    for (const m of [large, repeat(large), small]) {
      const frame = c.process(createFrame(Opcode.Binary, m));
      // Each message inflates on its own.
      expect(inflateRawSync(Buffer.concat([frame.payload, TAIL]), { finishFlush: constants.Z_SYNC_FLUSH }).equals(Buffer.from(m))).toBe(true);
      expect(Buffer.from(d.process(frame).payload).equals(Buffer.from(m))).toBe(true);
      c.hibernate();
      d.hibernate();
    }
  });
});

describe('IdleSweeper', () => {
  afterEach(() => vi.useRealTimers());

  it('hibernates a sleeper after one full delay without a touch, once, and stops its timer', () => {
    vi.useFakeTimers();
    const sweeper = new IdleSweeper(100);
    const sleeper = { hibernate: vi.fn() };
    sweeper.touch(sleeper);
    vi.advanceTimersByTime(150);
    sweeper.touch(sleeper); // active again before the second tick
    vi.advanceTimersByTime(100);
    expect(sleeper.hibernate).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(sleeper.hibernate).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(sleeper.hibernate).toHaveBeenCalledTimes(1);
  });

  it('never hibernates a forgotten sleeper', () => {
    vi.useFakeTimers();
    const sweeper = new IdleSweeper(100);
    const sleeper = { hibernate: vi.fn() };
    sweeper.touch(sleeper);
    sweeper.forget(sleeper);
    vi.advanceTimersByTime(1_000);
    expect(sleeper.hibernate).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects a delay that is not a positive number', () => {
    for (const bad of [0, -1, Number.NaN, Infinity]) expect(() => new IdleSweeper(bad)).toThrow(RangeError);
    expect(() => new ServerPerMessageDeflateFactory({ hibernateAfterMs: 0 })).toThrow(/hibernateAfterMs/);
  });
});

describe('server sessions hibernate when idle', () => {
  afterEach(() => vi.useRealTimers());

  /** lowMemoryBackend, counting hibernate() calls that reach the zlib objects. */
  function countingBackend(): { backend: ZlibBackend; calls: () => number } {
    let calls = 0;
    const wrap = <T extends Deflater | Inflater>(inner: T): T =>
      Object.assign(Object.create(null), {
        write: (input: Uint8Array, out: Uint8Array[]) => inner.write(input, out),
        reset: () => inner.reset(),
        close: () => inner.close(),
        hibernate: () => {
          calls++;
          inner.hibernate?.();
        },
      }) as T;
    return {
      backend: {
        name: 'counting',
        zlibMatchLimit: true,
        createDeflater: (o) => wrap(lowMemoryBackend.createDeflater(o)),
        createInflater: (o) => wrap(lowMemoryBackend.createInflater(o)),
      },
      calls: () => calls,
    };
  }

  function echoOnce(options: ServerPerMessageDeflateOptions): { server: PerMessageDeflateSession; client: PerMessageDeflateSession } {
    const negotiator = new ClientNegotiator([new ClientPerMessageDeflateFactory()]);
    const answer = new ServerNegotiator([new ServerPerMessageDeflateFactory(options)]).respond(negotiator.offer());
    const client = negotiator.accept(answer.header).sessions[0] as PerMessageDeflateSession;
    const server = answer.sessions[0] as PerMessageDeflateSession;
    const message = createFrame(Opcode.Text, prose(1_000, 43));
    const back = server.incoming.process(client.outgoing.process(message, context) as Frame, context) as Frame;
    client.incoming.process(server.outgoing.process(back, context) as Frame, context);
    return { server, client };
  }

  it('after 1–2 × 2 s without a frame by default, then wake up with their context', async () => {
    vi.useFakeTimers();
    const { backend, calls } = countingBackend();
    const { server, client } = echoOnce({ backend });
    vi.advanceTimersByTime(3_999);
    expect(calls()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(calls()).toBe(2); // the deflater and the inflater
    // The next message still refers back to the first one.
    const again = createFrame(Opcode.Text, prose(1_000, 43));
    const wire = server.outgoing.process(again, context) as Frame;
    expect(wire.payload.length).toBeLessThan(40);
    expect(Buffer.from((client.incoming.process(wire, context) as Frame).payload).equals(Buffer.from(again.payload))).toBe(true);
    await Promise.all([server.close(), client.close()]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never with hibernateAfterMs: null', async () => {
    vi.useFakeTimers();
    const { backend, calls } = countingBackend();
    const { server, client } = echoOnce({ backend, hibernateAfterMs: null });
    vi.advanceTimersByTime(60_000);
    expect(calls()).toBe(0);
    await Promise.all([server.close(), client.close()]);
  });
});
