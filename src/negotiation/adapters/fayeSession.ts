/**
 * A wsx `ExtensionSession` over a faye-style session: both directions become
 * `message` stages. faye sessions complete callbacks whenever they like; the
 * wsx stage runner emits results in wire order, so several messages may be
 * handed over at once.
 */
import { Buffer } from 'node:buffer';
import { ExtensionError, InvalidDataError, type WebSocketError } from '../../protocol/errors.js';
import type { ExtensionParams, ExtensionSession, MessageStage } from '../../protocol/extension.js';
import type { RsvBits } from '../../protocol/frame.js';
import type { Message } from '../../protocol/message.js';
import { isDataOpcode } from './dataOpcode.js';
import { pluginRsv, type FayeMessage, type FayePlugin, type FayeSession } from './fayeModel.js';

export interface FayeAdapterOptions {
  /**
   * Messages handed to the faye session at once (default 8). faye's own
   * pipeline does not bound this; sessions such as permessage-deflate queue
   * internally, so more in flight only costs memory.
   */
  readonly concurrency?: number;
}

type Method = 'processIncomingMessage' | 'processOutgoingMessage';

/** `close()` waits for messages in flight before closing the faye session, like faye's Cell. */
export function fayeSession(
  plugin: FayePlugin,
  session: FayeSession,
  params: ExtensionParams,
  options: FayeAdapterOptions = {},
): ExtensionSession {
  const rsv = pluginRsv(plugin);
  let pending = 0;
  let drained: (() => void) | null = null;
  let closed: Promise<void> | null = null;

  const stage = (method: Method): MessageStage => {
    // As in faye's pipeline, the first error stops the direction: the faye
    // session (permessage-deflate's inflater, say) is unusable after it.
    let failure: WebSocketError | null = null;
    // A faye session reports errors untyped: while decoding they mean the
    // peer's data could not be decoded (1007), while encoding our side failed (1011).
    const Failure = method === 'processIncomingMessage' ? InvalidDataError : ExtensionError;
    const finish = (out: FayeMessage): Message => {
      const message = toMessage(plugin.name, out);
      // faye sessions leave their RSV bits set on decoded messages (faye's
      // driver ignores them afterwards); in wsx this extension consumes them.
      return method === 'processIncomingMessage' ? clearBits(message, rsv) : message;
    };
    return {
      kind: 'message',
      concurrency: options.concurrency ?? 8,
      process: (message) =>
        new Promise<Message>((resolve, reject) => {
          if (failure) return reject(failure);
          if (closed) return reject(new ExtensionError(`${plugin.name}: session is closed`));
          pending++;
          const faye = toFaye(message);
          let done = false;
          const callback = (error: Error | null, out?: FayeMessage | null) => {
            if (done) return; // a faye callback counts once
            done = true;
            if (--pending === 0) drained?.();
            if (error) {
              failure ??= new Failure(`${plugin.name}: ${error.message}`, { cause: error });
              return reject(failure);
            }
            try {
              resolve(finish(out ?? faye));
            } catch (invalid) {
              reject(invalid); // never throw back into the faye session
            }
          };
          try {
            session[method](faye, callback);
          } catch (error) {
            callback(error instanceof Error ? error : new Error(String(error)));
          }
        }),
    };
  };

  return {
    name: plugin.name,
    params,
    rsv,
    outgoing: stage('processOutgoingMessage'),
    incoming: stage('processIncomingMessage'),
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (pending === 0) resolve();
        else drained = resolve;
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

function clearBits(message: Message, rsv: RsvBits): Message {
  return { ...message, rsv1: message.rsv1 && !rsv.rsv1, rsv2: message.rsv2 && !rsv.rsv2, rsv3: message.rsv3 && !rsv.rsv3 };
}
