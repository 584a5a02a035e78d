/**
 * Registers wsx extension factories into faye's `websocket-extensions`
 * container (`exts.add(toFayePlugin(client, server, { rsv }))`), so servers
 * and clients built on faye's stack (faye-websocket, websocket-driver) can run
 * wsx extensions. Every stage form is supported (see WholeMessageRunner).
 */
import { Buffer } from 'node:buffer';
import { NegotiationError } from '../../protocol/errors.js';
import type { ClientExtensionFactory, ExtensionSession, ServerExtensionFactory, SessionOptions } from '../../protocol/extension.js';
import type { RsvBits } from '../../protocol/frame.js';
import { RSV_BIT_NAMES } from '../rsvBits.js';
import { isDataOpcode } from './dataOpcode.js';
import {
  fromFayeParams,
  toFayeParams,
  type FayeCallback,
  type FayeClientSession,
  type FayeMessage,
  type FayePlugin,
  type FayeServerSession,
  type FayeSessionOptions,
} from './fayeModel.js';
import { WholeMessageRunner } from './wholeMessageRunner.js';

export interface ToFayePluginOptions {
  /**
   * The RSV bits the extension may use. faye declares them per plugin, before
   * any session exists; a session claiming a bit not declared here is refused.
   */
  readonly rsv?: Partial<RsvBits>;
}

/**
 * @example
 * ```ts
 * import Extensions from 'websocket-extensions';
 * const exts = new Extensions();
 * exts.add(toFayePlugin(myClientFactory, myServerFactory, { rsv: { rsv2: true } }));
 * ```
 */
export function toFayePlugin(
  client: ClientExtensionFactory | null,
  server: ServerExtensionFactory | null,
  options: ToFayePluginOptions = {},
): FayePlugin {
  const name = client?.name ?? server?.name;
  if (name === undefined) throw new TypeError('toFayePlugin needs a client or a server factory');
  if (client && server && client.name !== server.name) {
    throw new TypeError(`client and server factories disagree on the name: ${client.name} vs ${server.name}`);
  }
  const rsv = { rsv1: options.rsv?.rsv1 === true, rsv2: options.rsv?.rsv2 === true, rsv3: options.rsv?.rsv3 === true };

  /** A session claiming undeclared bits would make faye's frame check reject its own frames. */
  const checkRsv = (session: ExtensionSession): void => {
    const extra = RSV_BIT_NAMES.filter((bit) => session.rsv[bit] === true && !rsv[bit]);
    if (extra.length > 0) {
      void Promise.resolve(session.close()).catch(() => undefined);
      throw new TypeError(`${name} uses ${extra.join(', ').toUpperCase()} but toFayePlugin was not told so (options.rsv)`);
    }
  };

  return {
    name,
    type: 'permessage',
    ...rsv,
    createClientSession(fayeOptions) {
      if (!client) return null;
      const offers = client.offer();
      if (offers.length === 0) return null;
      let active: FayeAdapterSession | null = null;
      const session: FayeClientSession = {
        generateOffer: () => offers.map(toFayeParams),
        activate(params) {
          let accepted: ExtensionSession;
          try {
            accepted = client.accept(fromFayeParams(params), [], sessionOptions(fayeOptions));
          } catch (error) {
            if (error instanceof NegotiationError) return false; // faye then fails the handshake
            throw error;
          }
          checkRsv(accepted);
          active = new FayeAdapterSession(accepted);
          return true;
        },
        processIncomingMessage: (message, callback) => active!.incoming(message, callback),
        processOutgoingMessage: (message, callback) => active!.outgoing(message, callback),
        close: () => active?.close(),
      };
      return session;
    },
    createServerSession(offers, fayeOptions) {
      if (!server) return null;
      let answer;
      try {
        answer = server.respond(offers.map(fromFayeParams), [], sessionOptions(fayeOptions));
      } catch (error) {
        if (error instanceof NegotiationError) return null; // a decline, as for the wsx negotiator
        throw error;
      }
      if (!answer) return null;
      checkRsv(answer.session);
      const active = new FayeAdapterSession(answer.session);
      const session: FayeServerSession = {
        generateResponse: () => toFayeParams(answer.params),
        processIncomingMessage: (message, callback) => active.incoming(message, callback),
        processOutgoingMessage: (message, callback) => active.outgoing(message, callback),
        close: () => active.close(),
      };
      return session;
    },
  };
}

function sessionOptions(options: FayeSessionOptions | undefined): SessionOptions {
  return options?.maxLength === undefined ? {} : { maxMessageSize: options.maxLength };
}

/** Feeds faye messages through a wsx session's stages and answers faye's callbacks. */
class FayeAdapterSession {
  private readonly out: WholeMessageRunner;
  private readonly in: WholeMessageRunner;

  constructor(private readonly session: ExtensionSession) {
    this.out = new WholeMessageRunner(session.outgoing, session.name, 'outgoing');
    this.in = new WholeMessageRunner(session.incoming, session.name, 'incoming');
  }

  outgoing(message: FayeMessage, callback: FayeCallback): void {
    this.process(this.out, message, callback);
  }

  incoming(message: FayeMessage, callback: FayeCallback): void {
    this.process(this.in, message, callback);
  }

  /** faye calls this once no message is in flight; release the stages, then the session. */
  close(): void {
    void Promise.all([this.out.close(), this.in.close()])
      .then(() => this.session.close())
      .catch(() => undefined); // faye's close has no way to report a failure
  }

  private process(runner: WholeMessageRunner, message: FayeMessage, callback: FayeCallback): void {
    if (!isDataOpcode(message.opcode)) return callback(null, message);
    const { rsv1, rsv2, rsv3, opcode, data } = message;
    runner.run({ rsv1, rsv2, rsv3, opcode, data }).then(
      (result) => {
        // faye's own sessions update the message they were given; do the same.
        message.rsv1 = result.rsv1;
        message.rsv2 = result.rsv2;
        message.rsv3 = result.rsv3;
        message.opcode = result.opcode;
        message.data = Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength);
        callback(null, message);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }
}
