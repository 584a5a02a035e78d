import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  createFrame,
  encodeFrameHeader,
  FrameParser,
  Opcode,
  ProtocolError,
  serializeFrame,
  serializeFrameParts,
  type Frame,
} from '../../src/protocol/index.js';

const require = createRequire(import.meta.url);
// ws is a real peer library: its own Receiver and Sender check our bytes.
type WsReceiver = {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
};
const ws = require('ws') as {
  Receiver: new (options: object) => WsReceiver;
  Sender: { frame(data: Buffer, options: object): Buffer[] };
};

const header = (size: number, mask: boolean) => {
  const bytes = serializeFrame(createFrame(Opcode.Binary, new Uint8Array(size)), { mask, maskKey: new Uint8Array([9, 9, 9, 9]) });
  return Array.from(bytes.subarray(0, bytes.length - size));
};

describe('serializeFrame', () => {
  it('uses the shortest length encoding at every boundary', () => {
    expect(header(0, false)).toEqual([0x82, 0]);
    expect(header(125, false)).toEqual([0x82, 125]);
    expect(header(126, false)).toEqual([0x82, 126, 0, 126]);
    expect(header(65535, false)).toEqual([0x82, 126, 0xff, 0xff]);
    expect(header(65536, false)).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(header(125, true)).toEqual([0x82, 0x80 | 125, 9, 9, 9, 9]);
    expect(header(65536, true)).toEqual([0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 9, 9, 9, 9]);
  });

  it('sets FIN and the RSV bits', () => {
    const frame = createFrame(Opcode.Continuation, new Uint8Array(0), { fin: false, rsv1: true, rsv2: true, rsv3: true });
    expect(serializeFrame(frame, { mask: false })[0]).toBe(0x70);
  });

  it('never modifies the payload, and masks with a fresh random key per frame', () => {
    const payload = new Uint8Array(1000).fill(0x41);
    const frame = createFrame(Opcode.Binary, payload);
    const a = serializeFrame(frame, { mask: true });
    const b = serializeFrame(frame, { mask: true });
    expect(payload.every((x) => x === 0x41)).toBe(true);
    expect(a.subarray(4, 8)).not.toEqual(b.subarray(4, 8));
    expect(Buffer.from(a).includes(Buffer.from('AAAA'))).toBe(false);
    const [back] = new FrameParser({ role: 'server' }).push(a);
    expect(back!.payload).toEqual(payload);
  });

  it.each<[string, Frame]>([
    ['a ping over 125 bytes', createFrame(Opcode.Ping, new Uint8Array(126))],
    ['a fragmented close', createFrame(Opcode.Close, new Uint8Array(0), { fin: false })],
    ['a reserved opcode', { ...createFrame(Opcode.Binary, new Uint8Array(0)), opcode: 0x3 as Opcode }],
    ['a ping with RSV1', createFrame(Opcode.Ping, new Uint8Array(0), { rsv1: true })],
    ['a close with RSV3', createFrame(Opcode.Close, new Uint8Array(0), { rsv3: true })],
  ])('refuses to send %s with a RangeError (a local mistake, not the peer\'s 1002)', (_name, frame) => {
    for (const send of [
      () => serializeFrame(frame, { mask: false }),
      () => serializeFrameParts(frame, { mask: true }),
      () => serializeFrameParts(frame, { mask: false }),
      () => encodeFrameHeader(frame, { mask: false }),
    ]) {
      expect(send).toThrow(RangeError);
      expect(send).not.toThrow(ProtocolError);
    }
  });

  it('pooled (socket-bound) output has the same bytes as an own buffer', () => {
    const key = new Uint8Array([1, 2, 3, 4]);
    for (const size of [0, 5, 125, 1000, 70_000]) {
      const frame = createFrame(Opcode.Binary, new Uint8Array(size).map((_, i) => i & 0xff));
      for (const mask of [false, true]) {
        const own = serializeFrame(frame, { mask, maskKey: key });
        expect(Buffer.from(serializeFrame(frame, { mask, maskKey: key, pooled: true })).equals(Buffer.from(own))).toBe(true);
      }
    }
  });

  it('gives every serialized frame and header a buffer of its own (safe to keep or transfer)', () => {
    const frame = createFrame(Opcode.Text, new Uint8Array([0x41, 0x42]));
    for (const mask of [false, true]) {
      const a = serializeFrame(frame, { mask });
      const b = serializeFrame(frame, { mask });
      expect(a.byteOffset).toBe(0);
      expect(a.buffer.byteLength).toBe(a.length);
      structuredClone(a.buffer, { transfer: [a.buffer] });
      expect(b.length).toBe(mask ? 8 : 4);
      const { header } = encodeFrameHeader(frame, { mask });
      expect(header.buffer.byteLength).toBe(header.length);
    }
  });

  it('refuses a masking key that is not 4 bytes', () => {
    expect(() => serializeFrame(createFrame(Opcode.Text, new Uint8Array(1)), { mask: true, maskKey: new Uint8Array(3) })).toThrow(
      RangeError,
    );
  });
});

describe('serializeFrameParts and encodeFrameHeader', () => {
  it('hands an unmasked payload through without copying', () => {
    const payload = new Uint8Array(70_000);
    const parts = serializeFrameParts(createFrame(Opcode.Binary, payload), { mask: false });
    expect(parts).toHaveLength(2);
    expect(parts[1]).toBe(payload);
    expect(Array.from(parts[0]!)).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
    expect(serializeFrameParts(createFrame(Opcode.Pong, new Uint8Array(0)), { mask: false })).toHaveLength(1);
  });

  it('produces the same bytes as serializeFrame when joined', () => {
    const key = new Uint8Array([1, 2, 3, 4]);
    for (const size of [0, 5, 200, 70_000]) {
      const frame = createFrame(Opcode.Text, new Uint8Array(size).fill(0x61));
      for (const mask of [false, true]) {
        const joined = Buffer.concat(serializeFrameParts(frame, { mask, maskKey: key }));
        expect(joined.equals(Buffer.from(serializeFrame(frame, { mask, maskKey: key })))).toBe(true);
      }
    }
  });

  it('returns the masking key it wrote into the header', () => {
    const { header, maskKey } = encodeFrameHeader(createFrame(Opcode.Text, new Uint8Array(3)), { mask: true });
    expect(header).toHaveLength(6);
    expect(maskKey).toEqual(header.subarray(2, 6));
    expect(encodeFrameHeader(createFrame(Opcode.Text, new Uint8Array(3)), { mask: false }).maskKey).toBeUndefined();
  });
});

describe('interoperability with ws', () => {
  it("ws's Receiver reads our masked and unmasked frames", () => {
    for (const mask of [true, false]) {
      const received: [string, boolean][] = [];
      const receiver = new ws.Receiver({ isServer: mask, binaryType: 'nodebuffer', allowSynchronousEvents: true });
      receiver.on('message', (data, isBinary) => received.push([data.toString('latin1'), isBinary]));
      receiver.on('error', (error) => {
        throw error;
      });
      const frames = [
        createFrame(Opcode.Text, new TextEncoder().encode('Hel'), { fin: false }),
        createFrame(Opcode.Continuation, new TextEncoder().encode('lo')),
        createFrame(Opcode.Binary, new Uint8Array(70_000).fill(0x62)),
      ];
      for (const frame of frames) receiver.write(Buffer.concat(serializeFrameParts(frame, { mask })));
      expect(received).toEqual([
        ['Hello', false],
        ['b'.repeat(70_000), true],
      ]);
    }
  });

  it("our parser reads ws's Sender frames", () => {
    for (const mask of [true, false]) {
      const parser = new FrameParser({ role: mask ? 'server' : 'client' });
      for (const size of [0, 125, 126, 65536]) {
        const data = Buffer.alloc(size, 0x63);
        const wire = Buffer.concat(ws.Sender.frame(Buffer.from(data), { fin: true, opcode: 2, mask, readOnly: true, rsv1: false }));
        const [frame] = parser.push(wire);
        expect(frame!.opcode).toBe(Opcode.Binary);
        expect(Buffer.from(frame!.payload).equals(data)).toBe(true);
      }
    }
  });
});
