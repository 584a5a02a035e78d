import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createFrame, Opcode, ExtensionError, InvalidDataError, type Frame } from '../../src/protocol/index.js';
import { frame, message, parseValue, MarbleNotationError } from '../notation.js';
import { formatValue } from '../format.js';
import { valuesEqual } from '../match.js';
import { wireValues } from '../values.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('value notation', () => {
  it('reads frame kinds, flags and payloads', () => {
    expect(frame('T"hello"')).toEqual(createFrame(Opcode.Text, utf8('hello')));
    expect(frame('T1~"hel"')).toEqual(createFrame(Opcode.Text, utf8('hel'), { rsv1: true, fin: false }));
    expect(frame('C"lo"')).toEqual(createFrame(Opcode.Continuation, utf8('lo')));
    expect(frame('B 2 3 <01 02 ff>')).toEqual(createFrame(Opcode.Binary, bytes(1, 2, 255), { rsv2: true, rsv3: true }));
    expect(frame('P')).toEqual(createFrame(Opcode.Ping, new Uint8Array(0)));
    expect(frame('O"x"').opcode).toBe(Opcode.Pong);
    expect(frame('X(1000)"bye"')).toEqual(createFrame(Opcode.Close, bytes(0x03, 0xe8, 0x62, 0x79, 0x65)));
  });

  it('reads messages', () => {
    expect(message('t2"secret"')).toEqual({ opcode: Opcode.Text, rsv1: false, rsv2: true, rsv3: false, data: utf8('secret') });
    expect(message('b<0001>')).toEqual({ opcode: Opcode.Binary, rsv1: false, rsv2: false, rsv3: false, data: bytes(0, 1) });
  });

  it('concatenates and repeats pieces, and escapes', () => {
    expect(frame('B"ab"*3<ff>').payload).toEqual(bytes(97, 98, 97, 98, 97, 98, 255));
    expect(frame('T"a\\"b\\\\c\\n\\u{1F600}"').payload).toEqual(utf8('a"b\\c\n😀'));
    expect(frame('T"a\\xffb"').payload).toEqual(bytes(97, 0xff, 98));
    expect(frame('B<00>*1024').payload.length).toBe(1024);
    expect(frame`T"${'interp'}"`.payload).toEqual(utf8('interp'));
  });

  it('reports bad values with their position', () => {
    const cases: [string, number, RegExp][] = [
      ['', 0, /empty value/],
      ['Q"x"', 0, /unknown kind "Q"/],
      ['T"abc', 1, /unterminated string/],
      ['T<0>', 1, /pairs of hex digits/],
      ['T11"x"', 2, /RSV flag 1 given twice/],
      ['t~"x"', 1, /frames only/],
      ['T(1000)', 1, /close frames \(X\) only/],
      ['X(70000)', 1, /close code/],
      ['T"x"*', 4, /repeat count/],
      ['T"\\q"', 2, /unknown escape/],
      ['T"x" y', 5, /unexpected "y"/],
    ];
    for (const [text, position, problem] of cases) {
      let caught: unknown;
      try {
        parseValue(text);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(MarbleNotationError);
      expect((caught as MarbleNotationError).position, text).toBe(position);
      expect((caught as Error).message, text).toMatch(problem);
      expect((caught as Error).message, text).toContain(`\n  ${' '.repeat(position)}^`);
    }
  });

  it('wireValues() parses a whole value map for a plain TestScheduler', () => {
    const values = wireValues({ a: 'T1~"hel"', b: 'C"lo"', n: 42 });
    expect(values.a).toEqual(createFrame(Opcode.Text, utf8('hel'), { rsv1: true, fin: false }));
    expect(values.b).toEqual(createFrame(Opcode.Continuation, utf8('lo')));
    expect(values.n).toBe(42);
  });

  it('frame() and message() refuse the other kind', () => {
    expect(() => frame('t"x"')).toThrow(/got a message/);
    expect(() => message('T"x"')).toThrow(/got a frame/);
  });
});

describe('formatting back to the notation', () => {
  it('prints short values exactly', () => {
    expect(formatValue(frame('T1~"hel"'))).toBe('T1~"hel"');
    expect(formatValue(frame('B<00 ff>'))).toBe('B<00 ff>');
    expect(formatValue(frame('X(1001)"gone"'))).toBe('X(1001)"gone"');
    expect(formatValue(message('b23"x"'))).toBe('b23"x"');
    expect(formatValue(frame('P'))).toBe('P""');
    expect(formatValue(new InvalidDataError('bad crc'))).toBe('InvalidDataError(1007) "bad crc"');
  });

  it('abbreviates long payloads with length and digest', () => {
    const a = formatValue(frame('B"x"*100'));
    const b = formatValue(frame('B"x"*99"y"'));
    expect(a).toMatch(/^B"x{16}"…\[100 B #[0-9a-f]{8}\]$/);
    expect(a).not.toBe(b);
  });

  it('round-trips every short frame (property)', () => {
    const arbFrame = fc.record({
      fin: fc.boolean(),
      rsv1: fc.boolean(),
      rsv2: fc.boolean(),
      rsv3: fc.boolean(),
      opcode: fc.constantFrom(Opcode.Text, Opcode.Binary, Opcode.Continuation, Opcode.Ping, Opcode.Pong),
      payload: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 20, unit: 'grapheme' }).map(utf8)),
    }).filter((f) => f.payload.length <= 64) as fc.Arbitrary<Frame>;
    fc.assert(
      fc.property(arbFrame, (f) => {
        const back = parseValue(formatValue(f));
        return valuesEqual(f, back);
      }),
    );
  });
});

describe('equality', () => {
  it('compares frames by every field and byte', () => {
    expect(valuesEqual(frame('T"a"'), frame('T"a"'))).toBe(true);
    expect(valuesEqual(frame('T"a"'), frame('T1"a"'))).toBe(false);
    expect(valuesEqual(frame('T"a"'), frame('T~"a"'))).toBe(false);
    expect(valuesEqual(frame('T"a"'), frame('B"a"'))).toBe(false);
    expect(valuesEqual(frame('T"a"'), frame('T"b"'))).toBe(false);
    expect(valuesEqual(frame('T"a"'), message('t"a"'))).toBe(false);
    expect(valuesEqual(new ExtensionError('x'), new ExtensionError('x'))).toBe(true);
    expect(valuesEqual(new ExtensionError('x'), new InvalidDataError('x'))).toBe(false);
  });
});
