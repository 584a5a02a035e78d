import type { DataOpcode } from './opcodes.js';

/**
 * A whole data message: the payloads of its frames joined, with the opcode and
 * RSV bits of its first frame (extensions such as permessage-deflate mark a
 * message through the first frame's RSV bits, RFC 7692 §6).
 * `data` of a text message is UTF-8 bytes; the Node connection turns it into a string.
 */
export interface Message {
  readonly opcode: DataOpcode;
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
  readonly data: Uint8Array;
}
