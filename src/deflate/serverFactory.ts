/**
 * The server side of permessage-deflate negotiation, with Python websockets'
 * option names in camelCase: picks the first offer it can accept (RFC 7692
 * tables in negotiate.ts), declines the rest, and starts the session.
 */
import { NegotiationError } from '../protocol/errors.js';
import type { ExtensionParams, ExtensionSession, ServerExtensionFactory, SessionOptions } from '../protocol/extension.js';
import { resolveCompressSettings } from './compressSettings.js';
import { defaultServerBackend } from './defaultBackend.js';
import { idleSweeper } from './idleSweeper.js';
import {
  DEFAULT_SERVER_CLIENT_MAX_WINDOW_BITS,
  DEFAULT_SERVER_HIBERNATE_AFTER_MS,
  DEFAULT_SERVER_MAX_WINDOW_BITS,
  DEFAULT_SERVER_MEM_LEVEL,
} from './defaults.js';
import { alreadyUsed, windowBitsOption } from './factoryChecks.js';
import { answerOffer, type ServerNegotiationConfig } from './negotiate.js';
import { PERMESSAGE_DEFLATE, formatDeflateParams, parseDeflateParams, type DeflateParams } from './params.js';
import { PerMessageDeflateSession, type CodecOptions } from './session.js';

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
    const compressSettings = { ...codec.compressSettings, memLevel: codec.compressSettings?.memLevel ?? DEFAULT_SERVER_MEM_LEVEL };
    resolveCompressSettings(compressSettings);
    const hibernateAfterMs = codec.hibernateAfterMs === undefined ? DEFAULT_SERVER_HIBERNATE_AFTER_MS : codec.hibernateAfterMs;
    if (hibernateAfterMs !== null) idleSweeper(hibernateAfterMs); // validates the delay now, not at the first connection
    this.#codec = { ...codec, compressSettings, hibernateAfterMs };
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
        backend: this.#codec.backend ?? defaultServerBackend,
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

/** Server counterpart of `enableClientPermessageDeflate`. */
export function enableServerPermessageDeflate(
  factories: readonly ServerExtensionFactory[] = [],
): ServerExtensionFactory[] {
  if (factories.some((factory) => factory.name === PERMESSAGE_DEFLATE)) return [...factories];
  return [...factories, new ServerPerMessageDeflateFactory()];
}
