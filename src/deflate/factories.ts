/**
 * The negotiation side of permessage-deflate: factories with Python
 * websockets' option names (camelCase) that turn an offer into a response and
 * a response into a running `PerMessageDeflateSession`.
 */
import { NegotiationError } from '../protocol/errors.js';
import type {
  ClientExtensionFactory,
  ExtensionParams,
  ExtensionSession,
  ServerExtensionFactory,
  SessionOptions,
} from '../protocol/extension.js';
import { resolveCompressSettings } from './compressSettings.js';
import { DEFAULT_SERVER_CLIENT_MAX_WINDOW_BITS, DEFAULT_SERVER_MAX_WINDOW_BITS } from './defaults.js';
import { answerOffer, checkResponse, type ServerNegotiationConfig } from './negotiate.js';
import {
  PERMESSAGE_DEFLATE,
  formatDeflateParams,
  isWindowBits,
  parseDeflateParams,
  type DeflateParams,
  type WindowBits,
} from './params.js';
import { PerMessageDeflateSession, type CodecOptions } from './session.js';

export interface ClientPerMessageDeflateOptions extends CodecOptions {
  /** Ask the server to reset its window after every message. */
  readonly serverNoContextTakeover?: boolean;
  /** Promise to reset our window after every message. */
  readonly clientNoContextTakeover?: boolean;
  /** Ask the server to compress with at most 2^n bytes of window. */
  readonly serverMaxWindowBits?: number;
  /** `true` (default): offer it bare, the server picks; a number: our own limit; `false`: not offered. */
  readonly clientMaxWindowBits?: number | boolean;
}

export interface ServerPerMessageDeflateOptions extends CodecOptions {
  /** Reset our window after every message (always echoed when the client asks). */
  readonly serverNoContextTakeover?: boolean;
  /** Ask clients to reset their window after every message. */
  readonly clientNoContextTakeover?: boolean;
  /** Our compression window (default 12; `null`: whatever the client allows, up to 15). */
  readonly serverMaxWindowBits?: number | null;
  /** The window we ask clients to use when they let us (default 12; `null`: no request). */
  readonly clientMaxWindowBits?: number | null;
  /** Decline offers that do not let us bound the client's window. */
  readonly requireClientMaxWindowBits?: boolean;
}

function windowBitsOption(name: string, value: number): WindowBits {
  if (!isWindowBits(value)) throw new RangeError(`${name} must be an integer from 8 to 15, got ${value}`);
  return value;
}

function alreadyUsed(accepted: readonly ExtensionSession[]): string | undefined {
  if (accepted.some((session) => session.name === PERMESSAGE_DEFLATE)) return 'permessage-deflate was already negotiated';
  const holder = accepted.find((session) => session.rsv.rsv1);
  return holder ? `RSV1 is already used by ${holder.name}` : undefined;
}

/**
 * Offers permessage-deflate and activates it from the server's response.
 *
 * @example
 * const factory = new ClientPerMessageDeflateFactory({ serverNoContextTakeover: true });
 * factory.offer(); // [[['server_no_context_takeover', true], ['client_max_window_bits', true]]]
 */
export class ClientPerMessageDeflateFactory implements ClientExtensionFactory {
  readonly name = PERMESSAGE_DEFLATE;
  readonly #offer: DeflateParams;
  readonly #codec: CodecOptions;

  constructor(options: ClientPerMessageDeflateOptions = {}) {
    const { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits, ...codec } = options;
    const client = clientMaxWindowBits ?? true;
    this.#offer = {
      serverNoContextTakeover: serverNoContextTakeover ?? false,
      clientNoContextTakeover: clientNoContextTakeover ?? false,
      serverMaxWindowBits: serverMaxWindowBits === undefined ? undefined : windowBitsOption('serverMaxWindowBits', serverMaxWindowBits),
      clientMaxWindowBits: typeof client === 'boolean' ? (client ? true : undefined) : windowBitsOption('clientMaxWindowBits', client),
    };
    resolveCompressSettings(codec.compressSettings);
    this.#codec = codec;
  }

  offer(): readonly ExtensionParams[] {
    return [formatDeflateParams(this.#offer)];
  }

  accept(params: ExtensionParams, accepted: readonly ExtensionSession[], options?: SessionOptions): PerMessageDeflateSession {
    const conflict = alreadyUsed(accepted);
    if (conflict) throw new NegotiationError(`permessage-deflate: ${conflict}`);
    const agreement = checkResponse(this.#offer, parseDeflateParams(params, 'response'));
    return new PerMessageDeflateSession({
      ...this.#codec,
      maxMessageSize: this.#codec.maxMessageSize ?? options?.maxMessageSize,
      role: 'client',
      agreement,
      params,
    });
  }
}

/**
 * Chooses the first acceptable permessage-deflate offer and answers it.
 *
 * @example
 * const factory = new ServerPerMessageDeflateFactory();
 * factory.respond([[['client_max_window_bits', true]]], [])?.params;
 * // [['server_max_window_bits', '12'], ['client_max_window_bits', '12']]
 */
export class ServerPerMessageDeflateFactory implements ServerExtensionFactory {
  readonly name = PERMESSAGE_DEFLATE;
  readonly #config: ServerNegotiationConfig;
  readonly #codec: CodecOptions;

  constructor(options: ServerPerMessageDeflateOptions = {}) {
    const {
      serverNoContextTakeover,
      clientNoContextTakeover,
      serverMaxWindowBits = DEFAULT_SERVER_MAX_WINDOW_BITS,
      clientMaxWindowBits = DEFAULT_SERVER_CLIENT_MAX_WINDOW_BITS,
      requireClientMaxWindowBits,
      ...codec
    } = options;
    if (requireClientMaxWindowBits && clientMaxWindowBits === null) {
      throw new TypeError('requireClientMaxWindowBits needs a clientMaxWindowBits value');
    }
    this.#config = {
      serverNoContextTakeover: serverNoContextTakeover ?? false,
      clientNoContextTakeover: clientNoContextTakeover ?? false,
      serverMaxWindowBits: serverMaxWindowBits === null ? undefined : windowBitsOption('serverMaxWindowBits', serverMaxWindowBits),
      clientMaxWindowBits: clientMaxWindowBits === null ? undefined : windowBitsOption('clientMaxWindowBits', clientMaxWindowBits),
      requireClientMaxWindowBits: requireClientMaxWindowBits ?? false,
    };
    resolveCompressSettings(codec.compressSettings);
    this.#codec = codec;
  }

  respond(
    offers: readonly ExtensionParams[],
    accepted: readonly ExtensionSession[],
    options?: SessionOptions,
  ): { readonly params: ExtensionParams; readonly session: PerMessageDeflateSession } | null {
    if (alreadyUsed(accepted)) return null;
    for (const offer of offers) {
      let parsed: DeflateParams;
      try {
        parsed = parseDeflateParams(offer, 'offer');
      } catch (error) {
        // RFC 7692 §5: an invalid offer is declined, and the next one considered.
        if (error instanceof NegotiationError) continue;
        throw error;
      }
      const answer = answerOffer(parsed, this.#config);
      if (!answer) continue;
      const params = formatDeflateParams(answer.response);
      const session = new PerMessageDeflateSession({
        ...this.#codec,
        maxMessageSize: this.#codec.maxMessageSize ?? options?.maxMessageSize,
        role: 'server',
        agreement: answer.agreement,
        params,
      });
      return { params, session };
    }
    return null;
  }
}

/**
 * Adds a default `ClientPerMessageDeflateFactory` unless a factory named
 * permessage-deflate is already present (which is then left as configured).
 *
 * @example
 * enableClientPermessageDeflate([]).map((f) => f.name); // ['permessage-deflate']
 */
export function enableClientPermessageDeflate(
  factories: readonly ClientExtensionFactory[] = [],
): ClientExtensionFactory[] {
  if (factories.some((factory) => factory.name === PERMESSAGE_DEFLATE)) return [...factories];
  return [...factories, new ClientPerMessageDeflateFactory()];
}

/** Server counterpart of `enableClientPermessageDeflate`. */
export function enableServerPermessageDeflate(
  factories: readonly ServerExtensionFactory[] = [],
): ServerExtensionFactory[] {
  if (factories.some((factory) => factory.name === PERMESSAGE_DEFLATE)) return [...factories];
  return [...factories, new ServerPerMessageDeflateFactory()];
}
