import { describe, expect, it } from 'vitest';
import { ClientNegotiator } from '../../src/negotiation/clientNegotiator.js';
import { ExtensionHeaderSyntaxError } from '../../src/negotiation/headerSyntaxError.js';
import { InvalidParameterValue, NegotiationError } from '../../src/protocol/errors.js';
import { scriptedClient } from './support/scriptedFactories.js';

function failure(run: () => unknown): NegotiationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NegotiationError);
    expect((error as NegotiationError).closeCode).toBe(1010);
    return error as NegotiationError;
  }
  throw new Error('expected a NegotiationError');
}

describe('ClientNegotiator.offer', () => {
  it('offers every factory in registration order, several parameter sets each', () => {
    const client = new ClientNegotiator([
      scriptedClient('permessage-deflate', { offers: [[['client_max_window_bits', '10']], [['client_max_window_bits', true]]] }),
      scriptedClient('x-none', { offers: [] }),
      scriptedClient('__proto__', { offers: [[['constructor', 'a.b']]] }),
    ]);
    expect(client.offer()).toBe(
      'permessage-deflate; client_max_window_bits=10, permessage-deflate; client_max_window_bits, __proto__; constructor=a.b',
    );
  });

  it('refuses to offer a value that is not a token (RFC 6455 §9.1): a strict server would answer 400', () => {
    const client = new ClientNegotiator([scriptedClient('x-ext', { offers: [[['mode', 'a b']]] })]);
    expect(() => client.offer()).toThrow(InvalidParameterValue);
  });

  it('returns null when nothing is offered', () => {
    expect(new ClientNegotiator([]).offer()).toBeNull();
    expect(new ClientNegotiator([scriptedClient('a', { offers: [] })]).offer()).toBeNull();
  });
});

describe('ClientNegotiator.accept', () => {
  it.each([null, undefined, [] as string[]])('no response header (%j) activates nothing', (header) => {
    const a = scriptedClient('a', { rsv: { rsv1: true } });
    const client = new ClientNegotiator([a]);
    client.offer();
    const result = client.accept(header);
    expect(result.header).toBeNull();
    expect(result.sessions).toEqual([]);
    expect(result.allowedRsv).toEqual({ rsv1: false, rsv2: false, rsv3: false });
    expect(a.calls).toEqual([]);
  });

  it("activates sessions in the server's order with the accepted list and options", () => {
    const a = scriptedClient('a', { rsv: { rsv1: true } });
    const b = scriptedClient('b', { rsv: { rsv3: true } });
    const options = { maxMessageSize: 1024 };
    const client = new ClientNegotiator([a, b], options);
    expect(client.offer()).toBe('a, b');
    const result = client.accept('b;x=1 ,a');
    expect(result.sessions.map((s) => s.name)).toEqual(['b', 'a']);
    expect(result.header).toBe('b; x=1, a');
    expect(result.allowedRsv).toEqual({ rsv1: true, rsv2: false, rsv3: true });
    expect(b.calls).toEqual([{ params: [['x', '1']], accepted: [], options }]);
    expect(a.calls).toEqual([{ params: [], accepted: ['b'], options }]);
  });

  it('works without an explicit offer() and with several response lines', () => {
    const a = scriptedClient('a');
    const b = scriptedClient('b');
    const result = new ClientNegotiator([a, b]).accept(['a', 'b']);
    expect(result.sessions.map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('accepts a subset: the server may decline any offer', () => {
    const result = new ClientNegotiator([scriptedClient('a'), scriptedClient('b')]).accept('b');
    expect(result.sessions.map((s) => s.name)).toEqual(['b']);
  });

  // The truth table in clientNegotiator.ts, row by row.
  it('fails on an extension that was not offered, closing what was activated', () => {
    const a = scriptedClient('a');
    const client = new ClientNegotiator([a, scriptedClient('quiet', { offers: [] })]);
    client.offer();
    expect(failure(() => client.accept('a, c')).message).toMatch(/accepted extension c, which was not offered/);
    expect(a.created[0]!.closed).toBe(1);
    // registered but offered nothing counts as not offered
    expect(failure(() => client.accept('quiet')).message).toMatch(/not offered/);
  });

  it('fails on an extension answered twice', () => {
    const a = scriptedClient('a', { offers: [[['x', '1']], [['x', '2']]] });
    const client = new ClientNegotiator([a]);
    client.offer();
    expect(failure(() => client.accept('a; x=1, a; x=2')).message).toMatch(/answered extension a twice/);
    expect(a.created).toHaveLength(1);
    expect(a.created[0]!.closed).toBe(1);
  });

  it('rethrows the typed error of a factory that rejects the parameters', () => {
    const a = scriptedClient('a');
    const rejected = new InvalidParameterValue('x', '99', 'b');
    const b = scriptedClient('b', { verdict: rejected });
    const client = new ClientNegotiator([a, b]);
    client.offer();
    expect(failure(() => client.accept('a, b; x=99'))).toBe(rejected);
    expect(a.created[0]!.closed).toBe(1);
  });

  it('tries the next factory of the same name before failing', () => {
    const strict = scriptedClient('a', { verdict: new InvalidParameterValue('x', '1', 'a') });
    const lenient = scriptedClient('a', { offers: [[['x', '1']]] });
    const client = new ClientNegotiator([strict, lenient]);
    expect(client.offer()).toBe('a, a; x=1');
    const result = client.accept('a; x=1');
    expect(result.sessions).toEqual([lenient.created[0]]);
    expect(strict.calls).toHaveLength(1);
  });

  it('wraps a factory crash into a NegotiationError that keeps the cause', () => {
    const crash = new TypeError('boom');
    const client = new ClientNegotiator([scriptedClient('a', { verdict: crash })]);
    const error = failure(() => client.accept('a'));
    expect(error.message).toMatch(/a failed to activate: boom/);
    expect(error.cause).toBe(crash);
  });

  it('fails when two accepted extensions claim the same RSV bit, closing both', () => {
    const a = scriptedClient('a', { rsv: { rsv1: true } });
    const b = scriptedClient('b', { rsv: { rsv1: true, rsv2: true } });
    const client = new ClientNegotiator([a, b]);
    client.offer();
    expect(failure(() => client.accept('a, b')).message).toMatch(/accepted b and a, which both use RSV1/);
    expect(a.created[0]!.closed).toBe(1);
    expect(b.created[0]!.closed).toBe(1);
  });

  it('allows extensions on distinct RSV bits', () => {
    const client = new ClientNegotiator([
      scriptedClient('a', { rsv: { rsv1: true } }),
      scriptedClient('b', { rsv: { rsv2: true, rsv1: false } }),
    ]);
    expect(client.accept('a, b').allowedRsv).toEqual({ rsv1: true, rsv2: true, rsv3: false });
  });

  it('reports a malformed response as a syntax error with its index', () => {
    const client = new ClientNegotiator([scriptedClient('a')]);
    const error = failure(() => client.accept('a; x="'));
    expect(error).toBeInstanceOf(ExtensionHeaderSyntaxError);
    expect((error as ExtensionHeaderSyntaxError).index).toBe(5);
  });

  it('treats Object.prototype names as ordinary names', () => {
    const client = new ClientNegotiator([scriptedClient('constructor')]);
    expect(failure(() => client.accept('__proto__')).message).toMatch(/not offered/);
    expect(failure(() => client.accept('hasOwnProperty')).message).toMatch(/not offered/);
    expect(client.accept('constructor').sessions.map((s) => s.name)).toEqual(['constructor']);
  });
});
