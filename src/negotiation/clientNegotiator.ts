import { NegotiationError } from '../protocol/errors.js';
import type {
  ClientExtensionFactory,
  ExtensionHeaderItem,
  ExtensionParams,
  ExtensionSession,
  SessionOptions,
} from '../protocol/extension.js';
import { parseExtensionHeader } from './headerParser.js';
import { serializeExtensionHeader } from './headerSerializer.js';
import { abandonSessions, negotiatedExtensions, NO_EXTENSIONS, type NegotiatedExtensions } from './negotiatedExtensions.js';
import { findRsvConflict } from './rsvBits.js';

/**
 * The client half of extension negotiation (RFC 6455 §9.1), for one
 * connection: `offer()` builds the request header, `accept()` turns the
 * server's response into active sessions.
 *
 * Outcome of each element of the server's response, checked in this order
 * (every error is a `NegotiationError`: the client fails the connection, 1010):
 *
 * | offered by us? | already answered? | factory verdict           | shares an RSV bit? | result                                   |
 * | -------------- | ----------------- | ------------------------- | ------------------ | ---------------------------------------- |
 * | no             | –                 | –                         | –                  | error "not offered"                      |
 * | yes            | yes               | –                         | –                  | error "answered twice"                   |
 * | yes            | no                | throws NegotiationError   | –                  | next factory of that name, else rethrown |
 * | yes            | no                | throws anything else      | –                  | wrapped in NegotiationError (cause kept) |
 * | yes            | no                | session                   | yes                | error "RSV bit conflict"                 |
 * | yes            | no                | session                   | no                 | activated, in the server's order         |
 *
 * A malformed response header is an `ExtensionHeaderSyntaxError`. No response
 * header (or an empty list of lines) means no extension: every wsx extension
 * is optional. On any error the sessions already created are closed.
 *
 * @example
 * ```ts
 * const client = new ClientNegotiator([deflateClient]);
 * request.setHeader('Sec-WebSocket-Extensions', client.offer() ?? '');
 * const { sessions, allowedRsv } = client.accept(response.headers['sec-websocket-extensions']);
 * ```
 */
export class ClientNegotiator {
  private readonly factories: readonly ClientExtensionFactory[];
  private readonly options: SessionOptions;
  /** The factories that offered something in the last `offer()`. */
  private offering: readonly ClientExtensionFactory[] | undefined;

  constructor(factories: readonly ClientExtensionFactory[], options: SessionOptions = {}) {
    this.factories = [...factories];
    this.options = options;
  }

  /**
   * The `Sec-WebSocket-Extensions` request value: every factory's offers, in
   * registration order (each factory may offer several parameter sets, most
   * preferred first), or `null` when nothing is offered.
   */
  offer(): string | null {
    const items: ExtensionHeaderItem[] = [];
    const offering: ClientExtensionFactory[] = [];
    for (const factory of this.factories) {
      const offers = factory.offer();
      if (offers.length > 0) offering.push(factory);
      for (const params of offers) items.push({ name: factory.name, params });
    }
    this.offering = offering;
    return items.length > 0 ? serializeExtensionHeader(items) : null;
  }

  /** Activates the extensions the server accepted, in the server's order. */
  accept(responseHeader: string | readonly string[] | null | undefined): NegotiatedExtensions {
    if (responseHeader === null || responseHeader === undefined) return NO_EXTENSIONS;
    const items = parseExtensionHeader(responseHeader);
    if (items.length === 0) return NO_EXTENSIONS;
    if (this.offering === undefined) this.offer();
    const offering = this.offering!;

    const sessions: ExtensionSession[] = [];
    const answered = new Set<string>();
    try {
      for (const { name, params } of items) {
        if (answered.has(name)) throw new NegotiationError(`the server answered extension ${name} twice`);
        const candidates = offering.filter((factory) => factory.name === name);
        if (candidates.length === 0) throw new NegotiationError(`the server accepted extension ${name}, which was not offered`);
        answered.add(name);

        const session = this.activate(name, candidates, params, sessions);
        const conflict = findRsvConflict(session, sessions);
        if (conflict) {
          abandonSessions([session]);
          throw new NegotiationError(
            `the server accepted ${name} and ${conflict.holder.name}, which both use ${conflict.bit.toUpperCase()}`,
          );
        }
        sessions.push(session);
      }
    } catch (error) {
      abandonSessions(sessions);
      throw error;
    }
    return negotiatedExtensions(serializeExtensionHeader(items), sessions);
  }

  /** Asks each factory of that name in turn; the first to accept wins. */
  private activate(
    name: string,
    candidates: readonly ClientExtensionFactory[],
    params: ExtensionParams,
    sessions: readonly ExtensionSession[],
  ): ExtensionSession {
    let refusal: NegotiationError | undefined;
    for (const factory of candidates) {
      try {
        return factory.accept(params, sessions, this.options);
      } catch (error) {
        if (!(error instanceof NegotiationError)) {
          throw new NegotiationError(`extension ${name} failed to activate: ${String((error as Error)?.message ?? error)}`, {
            cause: error,
          });
        }
        refusal ??= error;
      }
    }
    throw refusal!;
  }
}
