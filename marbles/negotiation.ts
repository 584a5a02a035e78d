/**
 * Negotiation marbles: `Sec-WebSocket-Extensions` headers as marble values,
 * outcomes as expectations. A server test feeds request headers (the client's
 * offers) and expects, per request, `accepted(...)` / `declined()` or a typed
 * failure (`#` with `closeWith(…)`); a client test feeds response headers and
 * expects the same for its own offer. `handshake()` runs both halves at once
 * and hands back the two session lists, ready for `send`/`receive`.
 *
 * @example
 * await runMarbles(({ cold, expectObservable }) => {
 *   const requests = cold<string>('a-b-c|', { a: 'x-crc32', b: 'x-other', c: 'x-crc32; bogus' });
 *   expectObservable(requests.pipe(serverNegotiation([crc32Server])))
 *     .toBe('a-b-c|', { a: accepted('x-crc32'), b: declined(), c: declined() });
 * });
 */
import { map, type OperatorFunction } from 'rxjs';
import { ClientNegotiator, ServerNegotiator, parseExtensionHeader } from '../src/negotiation/index.js';
import type {
  ClientExtensionFactory,
  ExtensionHeaderItem,
  ExtensionParams,
  ExtensionSession,
  ServerExtensionFactory,
  SessionOptions,
} from '../src/protocol/index.js';
import { ValueMatcher } from './match.js';

/** What one negotiation agreed on; failure diagrams show it as its header. */
export class NegotiationOutcome {
  constructor(
    /** The header the server answered (server side) or the one accepted (client side); `null`: none. */
    readonly header: string | null,
    /** The live sessions, in negotiated order (the test owns them: close them if they hold resources). */
    readonly sessions: readonly ExtensionSession[],
    /** The client's offer (client side). */
    readonly offer?: string | null,
  ) {}

  /** Active extension names, in negotiated order. */
  get extensions(): string[] {
    return this.sessions.map((s) => s.name);
  }

  describe(): string {
    return this.header === null ? 'no extensions' : `accepted ${JSON.stringify(this.header)}`;
  }
}

/** Each request header (offer) → the server's outcome; a malformed header is an error (HTTP 400). */
export function serverNegotiation(
  factories: readonly ServerExtensionFactory[],
  options?: SessionOptions,
): OperatorFunction<string | null, NegotiationOutcome> {
  return map((request) => {
    const negotiated = new ServerNegotiator(factories, options).respond(request);
    return new NegotiationOutcome(negotiated.header, negotiated.sessions);
  });
}

/** Each response header → the client's outcome for a fresh offer; a response it did not allow is a `NegotiationError` (1010). */
export function clientNegotiation(
  factories: readonly ClientExtensionFactory[],
  options?: SessionOptions,
): OperatorFunction<string | null, NegotiationOutcome> {
  return map((response) => {
    const client = new ClientNegotiator(factories, options);
    const offer = client.offer();
    const negotiated = client.accept(response ?? []);
    return new NegotiationOutcome(negotiated.header, negotiated.sessions, offer);
  });
}

/** A whole handshake between client and server factories, without sockets. */
export interface Handshake {
  readonly offer: string | null;
  readonly response: string | null;
  readonly client: readonly ExtensionSession[];
  readonly server: readonly ExtensionSession[];
}

/**
 * Negotiates synchronously: client offer → server response → client accept.
 * Throws what the client throws when the response is unacceptable.
 * @example
 * const { client, server } = handshake([await AesGcmClientFactory.create()], [await AesGcmServerFactory.create()]);
 */
export function handshake(
  clientFactories: readonly ClientExtensionFactory[],
  serverFactories: readonly ServerExtensionFactory[],
  options?: SessionOptions,
): Handshake {
  const client = new ClientNegotiator(clientFactories, options);
  const offer = client.offer();
  const server = new ServerNegotiator(serverFactories, options).respond(offer);
  const accepted = client.accept(server.header ?? []);
  return { offer, response: server.header, client: accepted.sessions, server: server.sessions };
}

/**
 * Expects the named extensions to be active, in this order. An argument with
 * parameters (`'permessage-deflate; server_max_window_bits=12'`) must match
 * them exactly (in any order); a bare name matches any parameters.
 */
export function accepted(...extensions: string[]): ValueMatcher {
  return new OutcomeMatcher(extensions.map((e) => parseExtensionHeader(e)[0]!), extensions);
}

/** Expects no extension at all to be active (every offer declined, or nothing offered). */
export function declined(): ValueMatcher {
  return new OutcomeMatcher([], []);
}

class OutcomeMatcher extends ValueMatcher {
  constructor(
    private readonly items: readonly ExtensionHeaderItem[],
    private readonly written: readonly string[],
  ) {
    super();
  }

  matches(actual: unknown): boolean {
    if (!(actual instanceof NegotiationOutcome)) return false;
    const o = actual;
    if (o.sessions.length !== this.items.length) return false;
    return this.items.every((item, i) => {
      const session = o.sessions[i]!;
      if (session.name !== item.name) return false;
      return item.params.length === 0 || sameParams(item.params, session.params);
    });
  }

  describe(): string {
    return this.written.length === 0 ? 'declined()' : `accepted(${this.written.map((w) => JSON.stringify(w)).join(', ')})`;
  }
}

function sameParams(a: ExtensionParams, b: ExtensionParams): boolean {
  const key = (p: ExtensionParams) => p.map(([n, v]) => `${n}=${v === true ? '' : v}`).sort().join(';');
  return key(a) === key(b);
}
