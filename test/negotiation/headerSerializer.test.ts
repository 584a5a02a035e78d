import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExtensionHeader } from '../../src/negotiation/headerParser.js';
import { serializeExtensionHeader } from '../../src/negotiation/headerSerializer.js';
import { InvalidParameterName, InvalidParameterValue, NegotiationError } from '../../src/protocol/errors.js';
import type { ExtensionHeaderItem } from '../../src/protocol/extension.js';

const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".split('');
const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 12 });
const nameLike = fc.oneof(token, fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'permessage-deflate'));
const item: fc.Arbitrary<ExtensionHeaderItem> = fc.record({
  name: nameLike,
  params: fc.array(fc.tuple(nameLike, fc.oneof(token, fc.constant(true as const))), { maxLength: 5 }),
});
const items = fc.array(item, { minLength: 1, maxLength: 6 });

describe('serializeExtensionHeader', () => {
  it('writes the canonical form', () => {
    expect(
      serializeExtensionHeader([
        { name: 'permessage-deflate', params: [['client_max_window_bits', true], ['server_max_window_bits', '10']] },
        { name: 'x', params: [] },
      ]),
    ).toBe('permessage-deflate; client_max_window_bits; server_max_window_bits=10, x');
    expect(serializeExtensionHeader([])).toBe('');
  });

  it('refuses values that are not tokens: RFC 6455 §9.1 allows a quoted value only if it unescapes to a token', () => {
    for (const value of ['b c', 'say "hi"', '', 'a,b', 'a;b', 'a=b']) {
      const error = (() => {
        try {
          serializeExtensionHeader([{ name: 'x', params: [['a', value]] }]);
        } catch (e) {
          return e;
        }
      })();
      expect(error, value).toBeInstanceOf(InvalidParameterValue);
      expect((error as InvalidParameterValue).value).toBe(value);
    }
  });

  it('writes whatever it accepts in a form its own parser reads back', () => {
    const header = serializeExtensionHeader([{ name: 'x', params: [['a', "b.c~!#$%&'*+-^_`|"]] }]);
    expect(parseExtensionHeader(header)).toEqual([{ name: 'x', params: [['a', "b.c~!#$%&'*+-^_`|"]] }]);
  });

  it('refuses names that are not tokens and values that could inject header lines', () => {
    expect(() => serializeExtensionHeader([{ name: 'a b', params: [] }])).toThrow(NegotiationError);
    expect(() => serializeExtensionHeader([{ name: '', params: [] }])).toThrow(NegotiationError);
    expect(() => serializeExtensionHeader([{ name: 'x', params: [['a=b', true]] }])).toThrow(InvalidParameterName);
    expect(() => serializeExtensionHeader([{ name: 'x', params: [['a', 'x\r\nSet-Cookie: y']] }])).toThrow(
      InvalidParameterValue,
    );
    expect(() => serializeExtensionHeader([{ name: 'x', params: [['a', '\u0000']] }])).toThrow(InvalidParameterValue);
    expect(() => serializeExtensionHeader([{ name: 'x', params: [['a', '\u2028']] }])).toThrow(InvalidParameterValue);
  });

  it('parse ∘ serialize is the identity on token-valued items', () => {
    fc.assert(
      fc.property(items, (generated) => {
        expect(parseExtensionHeader(serializeExtensionHeader(generated))).toEqual(generated);
      }),
      { numRuns: 500 },
    );
  });

  it('serialize ∘ parse is the identity on generated headers in canonical form', () => {
    fc.assert(
      fc.property(items, (generated) => {
        const header = serializeExtensionHeader(generated);
        expect(serializeExtensionHeader(parseExtensionHeader(header))).toBe(header);
      }),
      { numRuns: 500 },
    );
  });

  it('serialize ∘ parse canonicalises headers written with arbitrary OWS, quoting and empty elements', () => {
    const ows = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });
    // Render each item with random whitespace and random (escaped) quoting.
    const render = (it: ExtensionHeaderItem, pick: () => [string, string, boolean, boolean]) =>
      it.name +
      it.params
        .map(([k, v]) => {
          const [a, b, quote, escape] = pick();
          if (v === true) return `${a};${b}${k}`;
          const body = escape ? v.replace(/./g, (c) => `\\${c}`) : v;
          return `${a};${b}${k}${a}=${b}${quote || escape ? `"${body}"` : body}`;
        })
        .join('');
    fc.assert(
      fc.property(items, fc.infiniteStream(fc.tuple(ows, ows, fc.boolean(), fc.boolean())), fc.nat(3), (generated, noise, empties) => {
        const iter = noise[Symbol.iterator]();
        const pick = () => iter.next().value as [string, string, boolean, boolean];
        const sep = () => {
          const [a, b] = pick();
          return `${a},${b}` + ','.repeat(empties);
        };
        const messy = ','.repeat(empties) + generated.map((it) => render(it, pick)).join(sep());
        expect(serializeExtensionHeader(parseExtensionHeader(messy))).toBe(serializeExtensionHeader(generated));
      }),
      { numRuns: 300 },
    );
  });
});
