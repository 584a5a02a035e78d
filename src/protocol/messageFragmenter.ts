/**
 * Splits a message into frames (RFC 6455 §5.4) without copying: every
 * fragment's payload is a view of the message data. The first frame carries
 * the opcode and the message's RSV bits, the rest are continuation frames.
 */
import { createFrame, type Frame } from './frame.js';
import type { Message } from './message.js';
import { Opcode } from './opcodes.js';

/**
 * @example
 * const frames = fragmentMessage({ opcode: Opcode.Binary, rsv1: false, rsv2: false, rsv3: false, data: new Uint8Array(10) }, 4);
 * // 3 frames of 4, 4 and 2 bytes: Binary (fin false), Continuation, Continuation (fin true)
 */
export function fragmentMessage(message: Message, maxFramePayload = Infinity): Frame[] {
  if (!(maxFramePayload >= 1)) throw new RangeError('maxFramePayload must be at least 1');
  const data = message.data;
  if (data.length <= maxFramePayload) {
    return [createFrame(message.opcode, data, { rsv1: message.rsv1, rsv2: message.rsv2, rsv3: message.rsv3 })];
  }
  const frames: Frame[] = [];
  for (let offset = 0; offset < data.length; offset += maxFramePayload) {
    const next = Math.min(offset + maxFramePayload, data.length);
    const first = offset === 0;
    frames.push(
      createFrame(first ? message.opcode : Opcode.Continuation, data.subarray(offset, next), {
        fin: next === data.length,
        rsv1: first && message.rsv1,
        rsv2: first && message.rsv2,
        rsv3: first && message.rsv3,
      }),
    );
  }
  return frames;
}
