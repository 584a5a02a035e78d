/**
 * Runs a faye-style extension plugin (npm `permessage-deflate` and anything
 * else written for `websocket-extensions`) as wsx client/server factories.
 * Its sessions become `message` stages: faye extensions work on whole
 * messages through callbacks that may complete out of order; the wsx stage
 * runner emits results in wire order.
 */
import { Buffer } from 'node:buffer';
import { ExtensionError, NegotiationError } from '../../protocol/errors.js';
import type {
  ClientExtensionFactory,
  ExtensionParams,
  ExtensionSession,
  MessageStage,
  ServerExtensionFactory,
  SessionOptions,
} from '../../protocol/extension.js';
import type { Message } from '../../protocol/message.js';
import { isDataOpcode } from './dataOpcode.js';
import {
  fromFayeParams,
  pluginRsv,
  toFayeParams,
  type FayeMessage,
  type FayeParams,
  type FayePlugin,
  type FayeSession,
  type FayeSessionOptions,
} from './fayeModel.js';

export interface FayeAdapterOptions {
  /**
   * Messages handed to the faye session at once (default 8). faye's own
   * pipeline does not bound this; sessions such as permessage-deflate queue
   * internally, so more in flight only costs memory.
   */
  readonly concurrency?: number;
}

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

/** A wsx session over a faye session; `close()` waits for messages in flight, like faye's Cell. */
function fayeSession(
  plugin: FayePlugin,
  session: FayeSession,
  params: ExtensionParams,
  adapterOptions: FayeAdapterOptions,
): ExtensionSession {
  let pending = 0;
  let closing: { resolve: () => void } | null = null;
  let closed: Promise<void> | null = null;
  const settle = () => {
    if (--pending === 0 && closing) closing.resolve();
  };

  const stage = (method: 'processIncomingMessage' | 'processOutgoingMessage'): MessageStage => ({
    kind: 'message',
    concurrency: adapterOptions.concurrency ?? 8,
    process: (message) =>
      new Promise<Message>((resolve, reject) => {
        if (closed) return reject(new ExtensionError(`${plugin.name}: session is closed`));
        pending++;
        let done = false;
        const callback = (error: Error | null, out?: FayeMessage | null) => {
          if (done) return; // a faye callback may only count once
          done = true;
          settle();
          if (error) return reject(new ExtensionError(`${plugin.name}: ${error.message}`, { cause: error }));
          try {
            resolve(toMessage(plugin.name, out ?? faye));
          } catch (invalid) {
            reject(invalid); // never throw back into the faye session's callback
          }
        };
        const faye = toFaye(message);
        try {
          session[method](faye, callback);
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)));
        }
      }),
  });

  return {
    name: plugin.name,
    params,
    rsv: pluginRsv(plugin),
    outgoing: stage('processOutgoingMessage'),
    incoming: stage('processIncomingMessage'),
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (pending === 0) resolve();
        else closing = { resolve };
      }).then(() => session.close());
      return closed;
    },
  };
}

function toFaye(message: Message): FayeMessage {
  const { data } = message;
  return {
    rsv1: message.rsv1,
    rsv2: message.rsv2,
    rsv3: message.rsv3,
    opcode: message.opcode,
    data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  };
}

function toMessage(name: string, faye: FayeMessage): Message {
  if (!isDataOpcode(faye.opcode)) throw new ExtensionError(`${name} returned a message with opcode ${faye.opcode}`);
  if (!(faye.data instanceof Uint8Array)) throw new ExtensionError(`${name} returned a message without binary data`);
  return { opcode: faye.opcode, rsv1: !!faye.rsv1, rsv2: !!faye.rsv2, rsv3: !!faye.rsv3, data: faye.data };
}
