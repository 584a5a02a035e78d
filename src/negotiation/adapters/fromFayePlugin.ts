/**
 * Runs a faye-style extension plugin (npm `permessage-deflate` and anything
 * else written for `websocket-extensions`) as wsx client/server factories.
 * Its sessions become `message` stages: faye extensions work on whole
 * messages through callbacks that may complete out of order; the wsx stage
 * runner emits results in wire order.
 */
import { NegotiationError } from '../../protocol/errors.js';
import type { ClientExtensionFactory, ServerExtensionFactory, SessionOptions } from '../../protocol/extension.js';
import { fromFayeParams, toFayeParams, type FayeParams, type FayePlugin, type FayeSessionOptions } from './fayeModel.js';
import { fayeSession, type FayeAdapterOptions } from './fayeSession.js';

export type { FayeAdapterOptions } from './fayeSession.js';

/**
 * @example
 * ```ts
 * import deflate from 'permessage-deflate';
 * const client = new ClientNegotiator([fayeClientFactory(deflate)]);
 * ```
 */
export function fayeClientFactory(plugin: FayePlugin, adapterOptions: FayeAdapterOptions = {}): ClientExtensionFactory {
  return {
    name: plugin.name,
    offer() {
      // Offers come from a throwaway session: wsx factories are shared by
      // connections, so no per-connection state may live between offer and accept.
      const session = plugin.createClientSession(fayeOptions(undefined));
      if (!session) return [];
      try {
        const offers = session.generateOffer();
        return offers ? ([] as FayeParams[]).concat(offers).map(fromFayeParams) : [];
      } finally {
        session.close();
      }
    },
    accept(params, _accepted, options) {
      const session = plugin.createClientSession(fayeOptions(options));
      if (!session) throw new NegotiationError(`${plugin.name} refused to create a client session`);
      session.generateOffer(); // the state faye sessions expect before activate()
      if (session.activate(toFayeParams(params)) !== true) {
        session.close();
        throw new NegotiationError(`${plugin.name} rejected the server's parameters`);
      }
      return fayeSession(plugin, session, params, adapterOptions);
    },
  };
}

/** The server half: faye's `createServerSession(offers)` chooses among all offers at once. */
export function fayeServerFactory(plugin: FayePlugin, adapterOptions: FayeAdapterOptions = {}): ServerExtensionFactory {
  return {
    name: plugin.name,
    respond(offers, _accepted, options) {
      const session = plugin.createServerSession(offers.map(toFayeParams), fayeOptions(options));
      if (!session) return null;
      const params = fromFayeParams(session.generateResponse());
      return { params, session: fayeSession(plugin, session, params, adapterOptions) };
    },
  };
}

/** Both factories of one plugin. */
export function fromFayePlugin(plugin: FayePlugin, options?: FayeAdapterOptions) {
  return { client: fayeClientFactory(plugin, options), server: fayeServerFactory(plugin, options) };
}

function fayeOptions(options: SessionOptions | undefined): FayeSessionOptions {
  const limit = options?.maxMessageSize;
  return limit === undefined || limit === Infinity ? {} : { maxLength: limit };
}
