/**
 * The application's view of messages: text is a `string`, binary a
 * `Uint8Array`. Conversions to and from the protocol's `Message` live here,
 * once, for both directions.
 */
import type { Message } from '../../protocol/message.js';
import { Opcode } from '../../protocol/opcodes.js';

/** What a connection's readable yields and its writable accepts. */
export type WebSocketData = string | Uint8Array;
/** What `send()` and the writable accept: text, or any binary view. */
export type SendableData = string | ArrayBuffer | ArrayBufferView;

/** Size of a queued message for the readable's byte-counting strategy. */
export function dataSize(data: WebSocketData): number {
  return typeof data === 'string' ? data.length : data.byteLength;
}

/** Turns an assembled message into what the application reads (text was UTF-8 validated). */
export function fromMessage(message: Message): WebSocketData {
  const data = message.data;
  if (message.opcode === Opcode.Text) {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  }
  return data instanceof Buffer ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data;
}

/** Turns application data into an uncompressed message; other types are a TypeError. */
export function toMessage(data: SendableData): Message {
  if (typeof data === 'string') {
    return { opcode: Opcode.Text, rsv1: false, rsv2: false, rsv3: false, data: Buffer.from(data, 'utf8') };
  }
  let bytes: Uint8Array;
  if (data instanceof Uint8Array) bytes = data;
  else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else if ((data as unknown) instanceof ArrayBuffer || (data as unknown) instanceof SharedArrayBuffer) {
    bytes = new Uint8Array(data as ArrayBuffer);
  }
  else throw new TypeError(`cannot send ${Object.prototype.toString.call(data)}: use a string, ArrayBuffer or typed array`);
  return { opcode: Opcode.Binary, rsv1: false, rsv2: false, rsv3: false, data: bytes };
}
