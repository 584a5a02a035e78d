import { describe, expect, it } from 'vitest';
import { parseExtensionHeader } from '../../src/negotiation/headerParser.js';
import { ExtensionHeaderSyntaxError } from '../../src/negotiation/headerSyntaxError.js';
import { NegotiationError } from '../../src/protocol/errors.js';

type Parsed = [name: string, params: [string, string | true][]][];
const plain = (header: string | string[]): Parsed =>
  parseExtensionHeader(header).map((item) => [item.name, item.params.map(([k, v]) => [k, v])]);

describe('parseExtensionHeader: valid headers', () => {
  const table: [header: string | string[], expected: Parsed][] = [
    ['foo', [['foo', []]]],
    ['permessage-deflate', [['permessage-deflate', []]]],
    ['foo; bar', [['foo', [['bar', true]]]]],
    ['foo;bar=1', [['foo', [['bar', '1']]]]],
    ['foo; bar="1"', [['foo', [['bar', '1']]]]],
    ['foo; bar="b\\az"', [['foo', [['bar', 'baz']]]]],
    ['foo; bar="\\a"', [['foo', [['bar', 'a']]]]],
    ['foo \t; \tbar \t= \t"x" \t, \tbaz', [['foo', [['bar', 'x']]], ['baz', []]]],
    ['  foo  ', [['foo', []]]],
    ['a, b, c', [['a', []], ['b', []], ['c', []]]],
    ['a,b', [['a', []], ['b', []]]],
    // RFC 7230 §7: empty list elements are tolerated
    [',a', [['a', []]]],
    ['a,', [['a', []]]],
    ['a,,,b', [['a', []], ['b', []]]],
    [' , a , , b , ', [['a', []], ['b', []]]],
    // the same extension offered more than once, in order
    [
      'permessage-deflate; client_max_window_bits=10, permessage-deflate',
      [
        ['permessage-deflate', [['client_max_window_bits', '10']]],
        ['permessage-deflate', []],
      ],
    ],
    // duplicate parameters are kept (rejecting them is the factory's call)
    ['a; x=1; x=2', [['a', [['x', '1'], ['x', '2']]]]],
    // every tchar
    ["!#$%&'*+-.^_`|~09AZaz; !#$%&'*+-.^_`|~=!#$%&'*+-.^_`|~", [["!#$%&'*+-.^_`|~09AZaz", [["!#$%&'*+-.^_`|~", "!#$%&'*+-.^_`|~"]]]]],
    // names that collide with Object.prototype are ordinary
    ['__proto__; constructor=hasOwnProperty; toString', [['__proto__', [['constructor', 'hasOwnProperty'], ['toString', true]]]]],
    // several header lines combine like one comma-joined value
    [['a; x', 'b', 'a'], [['a', [['x', true]]], ['b', []], ['a', []]]],
    [['a', ''], [['a', []]]],
    [['', ' , ', 'b'], [['b', []]]],
  ];
  it.each(table)('%j', (header, expected) => {
    expect(plain(header)).toEqual(expected);
  });

  it('treats an empty list of header lines as no header', () => {
    expect(parseExtensionHeader([])).toEqual([]);
  });

  it('does not let __proto__ parameters touch any prototype', () => {
    const [item] = parseExtensionHeader('x; __proto__=polluted');
    expect(item!.params).toEqual([['__proto__', 'polluted']]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseExtensionHeader: invalid headers', () => {
  const table: [header: string | string[], index: number, line: number, problem: RegExp][] = [
    ['', 0, 0, /at least one extension/],
    ['  ', 2, 0, /at least one extension/],
    [',,', 2, 0, /at least one extension/],
    [['', ','], 1, 1, /at least one extension/],
    ['a b', 2, 0, /expected "," or ";" but found "b"/],
    ['a;', 2, 0, /expected parameter name but found end of header/],
    ['a; ,b', 3, 0, /expected parameter name but found ","/],
    [';a', 0, 0, /expected extension name but found ";"/],
    ['a; =1', 3, 0, /expected parameter name/],
    ['a; b=', 5, 0, /expected parameter value but found end of header/],
    ['a; b=,', 5, 0, /expected parameter value/],
    ['a; b==1', 5, 0, /expected parameter value but found "="/],
    ['a; b="1', 5, 0, /unterminated quoted string/],
    ['a; b="1\\', 5, 0, /unterminated quoted string/],
    ['a; b=""', 5, 0, /empty quoted value is not a token/],
    ['a; b="1 2"', 5, 0, /quoted value is not a token \(it contains " "\)/],
    ['a; b="x\\"y"', 5, 0, /is not a token \(it contains "\\""\)/],
    ['a; b="x,y"', 5, 0, /is not a token \(it contains ","\)/],
    ['a; b="\u00e9"', 5, 0, /is not a token \(it contains "é"\)/],
    ['a; b="x\\,y"', 5, 0, /is not a token \(it contains ","\)/],
    ['a; b="x y', 5, 0, /is not a token/],
    ['a; b="x\ny"', 7, 0, /invalid character "\\n" in quoted string/],
    ['a; b="x\\\ny"', 8, 0, /invalid escaped character/],
    ['a; b="x"y', 8, 0, /expected "," or ";" but found "y"/],
    ['a; b=1 2', 7, 0, /expected "," or ";"/],
    ['a\r\n b', 1, 0, /expected "," or ";" but found "\\r"/],
    ['a/b', 1, 0, /found "\/"/],
    ['a(b)', 1, 0, /found "\("/],
    ['a@', 1, 0, /found "@"/],
    ['a:b', 1, 0, /found ":"/],
    ['a?', 1, 0, /found "\?"/],
    ['a{', 1, 0, /found "\{"/],
    ['a; b=c=d', 6, 0, /expected "," or ";" but found "="/],
    ['ä', 0, 0, /expected extension name/],
    ['a, "b"', 3, 0, /expected extension name but found "\\""/],
    [['a', 'b;;'], 2, 1, /expected parameter name but found ";"/],
  ];
  it.each(table)('%j fails at index %i (line %i)', (header, index, line, problem) => {
    let error: unknown;
    try {
      parseExtensionHeader(header);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExtensionHeaderSyntaxError);
    expect(error).toBeInstanceOf(NegotiationError);
    const syntax = error as ExtensionHeaderSyntaxError;
    expect(syntax.index).toBe(index);
    expect(syntax.line).toBe(line);
    expect(syntax.message).toContain(`at index ${index}`);
    expect(syntax.message).toMatch(problem);
    expect(syntax.httpStatus).toBe(400);
    expect(syntax.closeCode).toBe(1010);
  });
});
