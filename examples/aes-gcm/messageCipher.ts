/**
 * Per-message AES-256-GCM for one connection. The IV is a 96-bit message
 * counter, separate per direction and never sent: each side counts the
 * encrypted messages it has sealed or opened. Because the pipeline delivers
 * messages in wire order, a replayed, dropped or reordered message shows up
 * as a wrong counter and fails authentication. The counter is taken
 * synchronously when a message enters, before any await, so concurrent
 * sealing (several messages in flight) still numbers them in wire order.
 *
 * The additional data binds the frame header bits the cipher does not own —
 * opcode, RSV1 (e.g. "this is compressed"), RSV3 — so they cannot be flipped
 * on the wire without detection.
 */
import { ExtensionError, InvalidDataError, type Message } from '../../src/protocol/index.js';
import type { DirectionKeys } from './keyAgreement.js';

const TAG_LENGTH = 16;

export class MessageCipher {
  #sent = 0n;
  #received = 0n;
  readonly #keys: Promise<DirectionKeys>;

  /** `keys` may still be deriving: the first message waits for them. */
  constructor(keys: Promise<DirectionKeys>) {
    // A failed key agreement is reported through the first message that needs a key.
    this.#keys = keys.catch((cause: unknown) => {
      throw new ExtensionError('x-aes-gcm: key agreement failed', { cause });
    });
    this.#keys.catch(() => undefined);
  }

  /** Encrypts `message`; the result carries RSV2. */
  async seal(message: Message): Promise<Message> {
    const iv = counterIv(this.#sent++);
    const { send } = await this.#keys;
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(message), tagLength: TAG_LENGTH * 8 },
      send,
      message.data as BufferSource,
    );
    return { ...message, rsv2: true, data: new Uint8Array(sealed) };
  }

  /** Decrypts a message that carries RSV2; a forged, replayed or reordered one is 1007. */
  async open(message: Message): Promise<Message> {
    const iv = counterIv(this.#received++);
    const { receive } = await this.#keys;
    if (message.data.length < TAG_LENGTH) {
      throw new InvalidDataError(`x-aes-gcm: encrypted message of ${message.data.length} bytes is shorter than its tag`);
    }
    let plain: ArrayBuffer;
    try {
      plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: additionalData(message), tagLength: TAG_LENGTH * 8 },
        receive,
        message.data as BufferSource,
      );
    } catch (cause) {
      throw new InvalidDataError('x-aes-gcm: message failed authentication (forged, replayed or reordered)', { cause });
    }
    return { ...message, rsv2: false, data: new Uint8Array(plain) };
  }
}

function counterIv(counter: bigint): Uint8Array<ArrayBuffer> {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setBigUint64(4, counter);
  return iv;
}

function additionalData(message: Message): Uint8Array<ArrayBuffer> {
  return Uint8Array.of(message.opcode, message.rsv1 ? 1 : 0, message.rsv3 ? 1 : 0);
}
