import { describe, expect, it } from 'vitest';
import { ExtensionHeaderSyntaxError } from '../../src/negotiation/headerSyntaxError.js';
import { ServerNegotiator } from '../../src/negotiation/serverNegotiator.js';
import { DuplicateParameter, ExtensionError, InvalidParameterValue, NegotiationError } from '../../src/protocol/errors.js';
import { scriptedServer } from './support/scriptedFactories.js';

const names = (r: { sessions: readonly { name: string }[] }) => r.sessions.map((s) => s.name);

describe('ServerNegotiator.respond', () => {
  it.each([null, undefined, [] as string[]])('no request header (%j) activates nothing', (header) => {
    const a = scriptedServer('a');
    const result = new ServerNegotiator([a]).respond(header);
    expect(result.header).toBeNull();
    expect(result.sessions).toEqual([]);
    expect(result.allowedRsv).toEqual({ rsv1: false, rsv2: false, rsv3: false });
    expect(a.calls).toEqual([]);
  });

  it("answers in the client's preference order, not the registration order", () => {
    const a = scriptedServer('a', { rsv: { rsv1: true } });
    const b = scriptedServer('b', { rsv: { rsv2: true } });
    const result = new ServerNegotiator([a, b]).respond('b; q=1, a');
    expect(names(result)).toEqual(['b', 'a']);
    expect(result.header).toBe('b; q=1, a');
    expect(result.allowedRsv).toEqual({ rsv1: true, rsv2: true, rsv3: false });
    expect(a.calls).toEqual([{ offers: [[]], accepted: ['b'] }]);
  });

  it("hands all offers of one name to the factory at once, in the client's order", () => {
    const a = scriptedServer('a', { answer: [['x', '2']] });
    const b = scriptedServer('b');
    const result = new ServerNegotiator([a, b]).respond(['a; x=1, b', 'a; x=2']);
    expect(a.calls).toEqual([{ offers: [[['x', '1']], [['x', '2']]], accepted: [] }]);
    expect(result.header).toBe('a; x=2, b');
  });

  it('ignores offers for extensions it does not support', () => {
    const result = new ServerNegotiator([scriptedServer('a')]).respond('unknown; p, a');
    expect(names(result)).toEqual(['a']);
    expect(result.header).toBe('a');
  });

  // The truth table in serverNegotiator.ts, row by row.
  it('continues without an extension whose factory declines with null', () => {
    const a = scriptedServer('a', { verdict: 'decline' });
    const b = scriptedServer('b');
    const result = new ServerNegotiator([a, b]).respond('a, b');
    expect(names(result)).toEqual(['b']);
    expect(a.calls).toHaveLength(1);
  });

  it('treats a NegotiationError from a factory as a decline, and tries the next factory of that name', () => {
    const strict = scriptedServer('a', { verdict: new DuplicateParameter('x', 'a') });
    const lenient = scriptedServer('a', { answer: [['mode', 'lenient']] });
    const result = new ServerNegotiator([strict, lenient]).respond('a; x; x');
    expect(result.header).toBe('a; mode=lenient');
    expect(result.sessions).toEqual([lenient.created[0]]);
  });

  it('answers with no header when every offer is declined', () => {
    const result = new ServerNegotiator([scriptedServer('a', { verdict: 'decline' })]).respond('a');
    expect(result.header).toBeNull();
    expect(result.sessions).toEqual([]);
  });

  it('lets a crash (not bad input) propagate, closing the sessions already created', () => {
    const a = scriptedServer('a');
    const crash = new RangeError('bug');
    const b = scriptedServer('b', { verdict: crash });
    expect(() => new ServerNegotiator([a, b]).respond('a, b')).toThrow(crash);
    expect(a.created[0]!.closed).toBe(1);
  });

  it('reports a factory answering a value that cannot be sent as its own fault (HTTP 500, 1011), not the client\'s (400)', () => {
    const a = scriptedServer('a');
    const b = scriptedServer('b', { answer: [['mode', 'a b']] });
    let error: unknown;
    try {
      new ServerNegotiator([a, b]).respond('a, b');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExtensionError);
    expect(error).not.toBeInstanceOf(NegotiationError);
    expect((error as ExtensionError).httpStatus).toBe(500);
    expect((error as ExtensionError).closeCode).toBe(1011);
    expect((error as ExtensionError).cause).toBeInstanceOf(InvalidParameterValue);
    expect(a.created[0]!.closed).toBe(1);
    expect(b.created[0]!.closed).toBe(1);
  });

  it('never activates two extensions sharing an RSV bit: the later one is declined and closed', () => {
    const a = scriptedServer('a', { rsv: { rsv1: true } });
    const b = scriptedServer('b', { rsv: { rsv1: true } });
    const c = scriptedServer('c', { rsv: { rsv2: true } });
    const result = new ServerNegotiator([a, b, c]).respond('b, a, c');
    expect(names(result)).toEqual(['b', 'c']);
    expect(result.header).toBe('b, c');
    expect(a.created[0]!.closed).toBe(1);
    expect(b.created[0]!.closed).toBe(0);
  });

  it('falls back to another factory of the same name whose session does not conflict', () => {
    const a = scriptedServer('a', { rsv: { rsv1: true } });
    const bOnRsv1 = scriptedServer('b', { rsv: { rsv1: true } });
    const bOnRsv3 = scriptedServer('b', { rsv: { rsv3: true } });
    const result = new ServerNegotiator([a, bOnRsv1, bOnRsv3]).respond('a, b');
    expect(result.sessions).toEqual([a.created[0], bOnRsv3.created[0]]);
    expect(bOnRsv1.created[0]!.closed).toBe(1);
  });

  it('answers an extension offered twice only once', () => {
    const a = scriptedServer('a');
    const result = new ServerNegotiator([a]).respond('a; x=1, a; x=2');
    expect(result.header).toBe('a; x=1');
    expect(a.calls).toHaveLength(1);
  });

  it('rejects a malformed request header with a typed error carrying HTTP 400', () => {
    const a = scriptedServer('a');
    let error: unknown;
    try {
      new ServerNegotiator([a]).respond('a, b;;');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExtensionHeaderSyntaxError);
    expect((error as ExtensionHeaderSyntaxError).httpStatus).toBe(400);
    expect((error as ExtensionHeaderSyntaxError).index).toBe(5);
    expect(a.calls).toEqual([]); // nothing activated before the whole header is known to be valid
  });

  it('treats Object.prototype names as ordinary names', () => {
    const proto = scriptedServer('__proto__');
    const result = new ServerNegotiator([proto]).respond('constructor, hasOwnProperty, __proto__; toString');
    expect(names(result)).toEqual(['__proto__']);
    expect(result.header).toBe('__proto__; toString');
  });
});
