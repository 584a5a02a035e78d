/**
 * RFC 7692 §7.1 as two pure functions: the server's answer to one offer and
 * the client's check of the server's response. Both return an `Agreement`:
 * the settings each direction of the connection then runs with.
 *
 * Written as tables on purpose: every row below is a test case
 * (test/deflate/negotiate.test.ts enumerates all combinations).
 */
import { NegotiationError } from '../protocol/errors.js';
import type { DeflateParams, WindowBits } from './params.js';

/** What both ends run with once negotiation succeeded. */
export interface Agreement {
  /** The server resets its compressor after every message. */
  readonly serverNoContextTakeover: boolean;
  /** The client resets its compressor after every message. */
  readonly clientNoContextTakeover: boolean;
  /** Largest window the server compresses with (the client inflates with it). */
  readonly serverWindowBits: WindowBits;
  /** Largest window the client compresses with (the server inflates with it). */
  readonly clientWindowBits: WindowBits;
}

/** The server's own preferences (ServerPerMessageDeflateFactory options). */
export interface ServerNegotiationConfig {
  readonly serverNoContextTakeover: boolean;
  readonly clientNoContextTakeover: boolean;
  readonly serverMaxWindowBits: WindowBits | undefined;
  readonly clientMaxWindowBits: WindowBits | undefined;
  /** Decline offers that do not let us bound the client's window. */
  readonly requireClientMaxWindowBits: boolean;
}

/**
 * Answers one offer, or returns `null` to decline it (the server then tries
 * the client's next offer; it never fails the handshake over deflate).
 *
 * server_no_context_takeover       client_no_context_takeover
 *   config  offer   response          config  offer   response
 *   no      no      no                no      no      no
 *   no      yes     yes (must echo)   no      yes     yes (echoed: a hint we honour by resetting our inflater)
 *   yes     no      yes               yes     no      yes
 *   yes     yes     yes               yes     yes     yes
 *
 * server_max_window_bits (N config, M offer)
 *   config  offer   response
 *   —       —       —  (we use 15)
 *   —       M       M  (never larger than offered)
 *   N       —       N
 *   N       M ≤ N   M
 *   N       M > N   N
 *
 * client_max_window_bits (N config, M offer; "bare" = offered without value)
 *   config  offer   response   we inflate with
 *   —       —       —          15
 *   —       bare    —          15
 *   —       M       M          M  (an offered value already binds the client)
 *   N       —       — or decline when requireClientMaxWindowBits (never sent unless offered)
 *   N       bare    N          N
 *   N       M ≤ N   M          M
 *   N       M > N   N          N
 */
export function answerOffer(
  offer: DeflateParams,
  config: ServerNegotiationConfig,
): { readonly response: DeflateParams; readonly agreement: Agreement } | null {
  const serverNoContextTakeover = offer.serverNoContextTakeover || config.serverNoContextTakeover;
  const clientNoContextTakeover = offer.clientNoContextTakeover || config.clientNoContextTakeover;

  let serverMaxWindowBits = offer.serverMaxWindowBits;
  if (config.serverMaxWindowBits !== undefined) {
    serverMaxWindowBits =
      serverMaxWindowBits === undefined ? config.serverMaxWindowBits : minBits(serverMaxWindowBits, config.serverMaxWindowBits);
  }

  let clientMaxWindowBits: WindowBits | undefined;
  const offered = offer.clientMaxWindowBits;
  if (offered === undefined) {
    if (config.clientMaxWindowBits !== undefined && config.requireClientMaxWindowBits) return null;
  } else if (offered === true) {
    clientMaxWindowBits = config.clientMaxWindowBits;
  } else {
    clientMaxWindowBits = config.clientMaxWindowBits === undefined ? offered : minBits(offered, config.clientMaxWindowBits);
  }

  return {
    response: { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits },
    agreement: {
      serverNoContextTakeover,
      clientNoContextTakeover,
      serverWindowBits: serverMaxWindowBits ?? 15,
      clientWindowBits: clientMaxWindowBits ?? 15,
    },
  };
}

/**
 * Checks the server's response against what the client offered; throws a
 * `NegotiationError` (close 1010) for anything the offer did not allow.
 *
 * server_no_context_takeover        client_no_context_takeover
 *   offer   response   result          offer   response   result
 *   no      no         keeps context   no      no         we keep context
 *   no      yes        resets          no      yes        we reset
 *   yes     no         error           yes     no         we reset (our own promise)
 *   yes     yes        resets          yes     yes        we reset
 *
 * server_max_window_bits (N offer, M response)
 *   offer   response   we inflate with
 *   —       —          15
 *   —       M          M
 *   N       —          error (the server must confirm a limit we asked for)
 *   N       M ≤ N      M
 *   N       M > N      error
 *
 * client_max_window_bits (N offer, M response)
 *   offer   response   we compress with
 *   —       —          15
 *   —       M          error (never offered)
 *   bare    —          15
 *   bare    M          M
 *   N       —          N  (our offer promised N)
 *   N       M ≤ N      M
 *   N       M > N      error
 */
export function checkResponse(offer: DeflateParams, response: DeflateParams): Agreement {
  if (offer.serverNoContextTakeover && !response.serverNoContextTakeover) {
    throw new NegotiationError('permessage-deflate: server_no_context_takeover was requested but not confirmed');
  }

  let serverWindowBits: WindowBits = 15;
  if (offer.serverMaxWindowBits !== undefined) {
    if (response.serverMaxWindowBits === undefined) {
      throw new NegotiationError('permessage-deflate: server_max_window_bits was requested but not confirmed');
    }
    if (response.serverMaxWindowBits > offer.serverMaxWindowBits) {
      throw new NegotiationError(
        `permessage-deflate: server_max_window_bits=${response.serverMaxWindowBits} exceeds the offered ${offer.serverMaxWindowBits}`,
      );
    }
  }
  if (response.serverMaxWindowBits !== undefined) serverWindowBits = response.serverMaxWindowBits;

  let clientWindowBits: WindowBits = 15;
  const offered = offer.clientMaxWindowBits;
  const answered = response.clientMaxWindowBits;
  if (answered === true) {
    // parseDeflateParams(…, 'response') already refuses this; kept for callers building params by hand.
    throw new NegotiationError('permessage-deflate: client_max_window_bits in a response needs a value');
  }
  if (offered === undefined) {
    if (answered !== undefined) {
      throw new NegotiationError('permessage-deflate: client_max_window_bits was not offered');
    }
  } else if (offered === true) {
    if (answered !== undefined) clientWindowBits = answered;
  } else if (answered === undefined) {
    clientWindowBits = offered;
  } else if (answered > offered) {
    throw new NegotiationError(`permessage-deflate: client_max_window_bits=${answered} exceeds the offered ${offered}`);
  } else {
    clientWindowBits = answered;
  }

  return {
    serverNoContextTakeover: response.serverNoContextTakeover,
    clientNoContextTakeover: offer.clientNoContextTakeover || response.clientNoContextTakeover,
    serverWindowBits,
    clientWindowBits,
  };
}

function minBits(a: WindowBits, b: WindowBits): WindowBits {
  return a < b ? a : b;
}
