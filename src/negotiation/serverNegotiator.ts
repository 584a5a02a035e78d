import { CloseCode } from '../protocol/closeCodes.js';
import { ExtensionError, NegotiationError } from '../protocol/errors.js';
import type {
  ExtensionHeaderItem,
  ExtensionParams,
  ExtensionSession,
  ServerExtensionFactory,
  SessionOptions,
} from '../protocol/extension.js';
import { parseExtensionHeader } from './headerParser.js';
import { serializeExtensionHeader } from './headerSerializer.js';
import { abandonSessions, negotiatedExtensions, NO_EXTENSIONS, type NegotiatedExtensions } from './negotiatedExtensions.js';
import { findRsvConflict } from './rsvBits.js';

/**
 * The server half of extension negotiation (RFC 6455 §9.1), for one
 * connection. The client's offers are walked in the client's preference order
 * (order of first appearance of each name); all offers of one name go to the
 * factory together, also in the client's order (RFC 7692 §5: the server picks
 * one of several offers).
 *
 * Outcome for each offered extension name, per registered factory of that
 * name (tried in registration order until one is activated):
 *
 * | factory registered? | factory verdict          | shares an RSV bit with an active one? | result                            |
 * | ------------------- | ------------------------ | ------------------------------------- | --------------------------------- |
 * | no                  | –                        | –                                     | ignored (not in the response)     |
 * | yes                 | `null`                   | –                                     | declined, try next factory        |
 * | yes                 | throws NegotiationError  | –                                     | declined, try next factory        |
 * | yes                 | throws anything else     | –                                     | propagates (a server bug, not bad input) |
 * | yes                 | `{ params, session }`    | yes                                   | declined (session closed), try next |
 * | yes                 | `{ params, session }`    | no                                    | activated, answered in this order |
 *
 * A decline is never an error (RFC 7692 §7): the handshake continues without
 * that extension. A malformed request header throws
 * `ExtensionHeaderSyntaxError`, whose `httpStatus` is 400. A factory that
 * answers parameters no header can carry is a server bug, not bad input: an
 * `ExtensionError` with `httpStatus` 500 (close code 1011).
 *
 * @example
 * ```ts
 * const server = new ServerNegotiator([deflateServer]);
 * const { header, sessions } = server.respond(req.headers['sec-websocket-extensions']);
 * if (header !== null) responseHeaders['Sec-WebSocket-Extensions'] = header;
 * ```
 */
export class ServerNegotiator {
  private readonly factories: readonly ServerExtensionFactory[];
  private readonly options: SessionOptions;

  constructor(factories: readonly ServerExtensionFactory[], options: SessionOptions = {}) {
    this.factories = [...factories];
    this.options = options;
  }

  /** Chooses the extensions to run and builds the response header. */
  respond(requestHeader: string | readonly string[] | null | undefined): NegotiatedExtensions {
    if (requestHeader === null || requestHeader === undefined) return NO_EXTENSIONS;
    const offersByName = groupByName(parseExtensionHeader(requestHeader));

    const sessions: ExtensionSession[] = [];
    const response: ExtensionHeaderItem[] = [];
    try {
      for (const [name, offers] of offersByName) {
        for (const factory of this.factories) {
          if (factory.name !== name) continue;
          const answer = this.ask(factory, offers, sessions);
          if (answer === null) continue;
          if (findRsvConflict(answer.session, sessions)) {
            abandonSessions([answer.session]);
            continue;
          }
          sessions.push(answer.session);
          response.push({ name, params: answer.params });
          break;
        }
      }
      return negotiatedExtensions(response.length > 0 ? serializeResponse(response) : null, sessions);
    } catch (error) {
      abandonSessions(sessions);
      throw error;
    }
  }

  private ask(
    factory: ServerExtensionFactory,
    offers: readonly ExtensionParams[],
    sessions: readonly ExtensionSession[],
  ): { readonly params: ExtensionParams; readonly session: ExtensionSession } | null {
    try {
      return factory.respond(offers, sessions, this.options);
    } catch (error) {
      if (error instanceof NegotiationError) return null; // an offer it cannot accept: decline
      throw error;
    }
  }
}

/** The response header; our own factories' unsendable answers are a 500, never the client's 400. */
function serializeResponse(response: readonly ExtensionHeaderItem[]): string {
  try {
    return serializeExtensionHeader(response);
  } catch (cause) {
    throw new ExtensionError(`a server extension answered parameters that cannot be sent: ${(cause as Error).message}`, {
      cause,
      closeCode: CloseCode.InternalError,
      httpStatus: 500,
    });
  }
}

/** Offers grouped per name; a Map keeps first-appearance order and treats `__proto__` as any name. */
function groupByName(items: readonly ExtensionHeaderItem[]): Map<string, ExtensionParams[]> {
  const groups = new Map<string, ExtensionParams[]>();
  for (const { name, params } of items) {
    const group = groups.get(name);
    if (group) group.push(params);
    else groups.set(name, [params]);
  }
  return groups;
}
