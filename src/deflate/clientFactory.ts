/**
 * The client side of permessage-deflate negotiation, with Python websockets'
 * option names in camelCase: offers, then checks the server's response
 * against the RFC 7692 tables (negotiate.ts) and starts the session.
 */
import { NegotiationError } from '../protocol/errors.js';
import type { ClientExtensionFactory, ExtensionParams, ExtensionSession, SessionOptions } from '../protocol/extension.js';
import { resolveCompressSettings } from './compressSettings.js';
import { DEFAULT_CLIENT_MEM_LEVEL } from './defaults.js';
import { alreadyUsed, windowBitsOption } from './factoryChecks.js';
import { checkResponse } from './negotiate.js';
import { PERMESSAGE_DEFLATE, formatDeflateParams, parseDeflateParams, type DeflateParams } from './params.js';
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
    const compressSettings = { ...codec.compressSettings, memLevel: codec.compressSettings?.memLevel ?? DEFAULT_CLIENT_MEM_LEVEL };
    resolveCompressSettings(compressSettings);
    this.#codec = { ...codec, compressSettings };
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

