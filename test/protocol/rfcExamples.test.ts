// The example frames of RFC 6455 §5.7, byte for byte, through both the
// serializer and the parser.
import { describe, expect, it } from 'vitest';
import { createFrame, FrameParser, Opcode, serializeFrame, type Frame } from '../../src/protocol/index.js';

const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));
const hello = new TextEncoder().encode('Hello');
const key = hex('37 fa 21 3d');

interface Example {
  name: string;
  frames: Frame[];
  wire: Uint8Array;
  masked: boolean;
}

const examples: Example[] = [
  {
    name: 'single-frame unmasked text "Hello"',
    frames: [createFrame(Opcode.Text, hello)],
    wire: hex('81 05 48 65 6c 6c 6f'),
    masked: false,
  },
  {
    name: 'single-frame masked text "Hello"',
    frames: [createFrame(Opcode.Text, hello)],
    wire: hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'),
    masked: true,
  },
  {
    name: 'fragmented unmasked text "Hel" + "lo"',
    frames: [
      createFrame(Opcode.Text, hello.subarray(0, 3), { fin: false }),
      createFrame(Opcode.Continuation, hello.subarray(3)),
    ],
    wire: hex('01 03 48 65 6c 80 02 6c 6f'),
    masked: false,
  },
  {
    name: 'unmasked ping "Hello"',
    frames: [createFrame(Opcode.Ping, hello)],
    wire: hex('89 05 48 65 6c 6c 6f'),
    masked: false,
  },
  {
    name: 'masked pong "Hello"',
    frames: [createFrame(Opcode.Pong, hello)],
    wire: hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'),
    masked: true,
  },
];

describe('RFC 6455 §5.7 examples', () => {
  for (const example of examples) {
    it(`serializes ${example.name}`, () => {
      const parts = example.frames.map((f) => serializeFrame(f, { mask: example.masked, maskKey: key }));
      expect(Buffer.concat(parts)).toEqual(Buffer.from(example.wire));
    });
    it(`parses ${example.name}`, () => {
      const parser = new FrameParser({ role: example.masked ? 'server' : 'client' });
      const frames = parser.push(example.wire.slice());
      expect(frames).toEqual(example.frames);
      expect(parser.bufferedBytes).toBe(0);
    });
  }

  it('encodes a 256-byte binary frame with the 16-bit length: 82 7E 0100', () => {
    const payload = new Uint8Array(256).map((_, i) => i);
    const wire = serializeFrame(createFrame(Opcode.Binary, payload), { mask: false });
    expect(Array.from(wire.subarray(0, 4))).toEqual([0x82, 0x7e, 0x01, 0x00]);
    expect(wire.length).toBe(4 + 256);
    expect(wire.subarray(4)).toEqual(payload);
    const [frame] = new FrameParser({ role: 'client' }).push(wire);
    expect(frame!.payload).toEqual(payload);
  });

  it('encodes a 64 KiB binary frame with the 64-bit length: 82 7F 0000000000010000', () => {
    const payload = new Uint8Array(65536).map((_, i) => i * 7);
    const wire = serializeFrame(createFrame(Opcode.Binary, payload), { mask: false });
    expect(Array.from(wire.subarray(0, 10))).toEqual([0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(wire.length).toBe(10 + 65536);
    const [frame] = new FrameParser({ role: 'client' }).push(wire);
    expect(frame!.payload).toEqual(payload);
  });
});
