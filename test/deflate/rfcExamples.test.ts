// RFC 7692 §7.2.3 examples, byte-exact, on both backends, including the
// BFINAL peer of §7.2.3.4 followed by further messages.
import { describe, expect, it } from 'vitest';
import { PerMessageCompressor } from '../../src/deflate/compressor.js';
import { PerMessageDecompressor } from '../../src/deflate/decompressor.js';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { InvalidDataError } from '../../src/protocol/errors.js';
import { backends, fromHex, hex, utf8 } from './backends.js';

const text = (payload: string | Uint8Array, flags: Partial<Frame> = {}) =>
  createFrame(Opcode.Text, typeof payload === 'string' ? utf8(payload) : payload, flags);
const cont = (payload: Uint8Array, flags: Partial<Frame> = {}) => createFrame(Opcode.Continuation, payload, flags);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe.each(backends)('RFC 7692 examples on %s', (_name, backend) => {
  const compressor = (options = {}) => new PerMessageCompressor({ backend, threshold: 0, ...options });
  const decompressor = (options = {}) => new PerMessageDecompressor({ backend, ...options });

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
