/**
 * The running `x-aes-gcm` session: two message stages over a `MessageCipher`.
 * Message stages get whole messages (after any extension negotiated before
 * this one, e.g. permessage-deflate, has compressed them) and may run several
 * at once; the pipeline emits results in wire order whatever order WebCrypto
 * finishes them in.
 */
import { PolicyViolationError, type ExtensionParams, type ExtensionSession, type Message } from '../../src/protocol/index.js';
import type { MessageCipher } from './messageCipher.js';

export interface AesGcmOptions {
  /** Messages sealed/opened at once (default 4): WebCrypto works off the main thread. */
  readonly concurrency?: number;
  /** Which outgoing messages to encrypt (default: all). Others go out without RSV2. */
  readonly encrypt?: (message: Message) => boolean;
  /** Refuse incoming messages without RSV2 with 1008 (default true). */
  readonly requireEncryption?: boolean;
}

export function createAesGcmSession(params: ExtensionParams, cipher: MessageCipher, options: AesGcmOptions): ExtensionSession {
  const concurrency = options.concurrency ?? 4;
  const requireEncryption = options.requireEncryption ?? true;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    const done = () => inFlight.delete(work);
    work.then(done, done);
    return work;
  };
  return {
    name: 'x-aes-gcm',
    params,
    rsv: { rsv2: true },
    outgoing: {
      kind: 'message',
      concurrency,
      process: (message) => (options.encrypt && !options.encrypt(message) ? message : track(cipher.seal(message))),
    },
    incoming: {
      kind: 'message',
      concurrency,
      process(message) {
        if (message.rsv2) return track(cipher.open(message));
        if (requireEncryption) throw new PolicyViolationError('x-aes-gcm: unencrypted message refused');
        return message;
      },
    },
    // close() resolves once the messages being sealed or opened are done.
    close: async () => {
      await Promise.allSettled([...inFlight]);
    },
  };
}
