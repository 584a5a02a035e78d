/**
 * Frames ⇄ messages as WHATWG TransformStreams, over the sans-I/O
 * `MessageAssembler` and `fragmentMessage` of src/protocol.
 *
 * Control frames (ping, pong, close) may arrive between the fragments of a
 * message; they pass through at their position, so a ping is answered without
 * waiting for a large message to finish.
 */
import { MessageAssembler, type MessageAssemblerOptions } from '../protocol/messageAssembler.js';
import { fragmentMessage } from '../protocol/messageFragmenter.js';
import { isControlOpcode, Opcode } from '../protocol/opcodes.js';
import type { Frame } from '../protocol/frame.js';
import type { Message } from '../protocol/message.js';
import { ConnectionLostError } from '../protocol/errors.js';
import { FRAME_HIGH_WATER_MARK } from './frameCodec.js';

/** Tells a whole message from a frame in a mixed stream. */
export function isMessage(item: Frame | Message): item is Message {
  return (item as Message).data !== undefined;
}

/**
 * Assembles data frames into messages; control frames pass through in
 * position. Enforces continuation rules (1002), `maxMessageSize` while
 * assembling (1009, never buffering past it) and UTF-8 of text (1007).
 *
 * @example
 * const items = frames.pipeThrough(messageAssembler({ maxMessageSize: 16 << 20 }));
 * for await (const item of items) if (isMessage(item)) handle(item.data);
 */
export function messageAssembler(options?: MessageAssemblerOptions): TransformStream<Frame, Frame | Message> {
  const assembler = new MessageAssembler(options);
  let closeSeen = false;
  return new TransformStream<Frame, Frame | Message>(
    {
      transform(frame, controller) {
        if (isControlOpcode(frame.opcode)) {
          if (frame.opcode === Opcode.Close) closeSeen = true;
          controller.enqueue(frame);
          return;
        }
        const message = assembler.push(frame);
        if (message !== null) controller.enqueue(message);
      },
      flush() {
        // A Close may come between fragments (RFC 6455 §5.4): after it, an
        // unfinished message is abandoned by the peer, not cut off by a lost connection.
        if (assembler.inMessage && !closeSeen) {
          throw new ConnectionLostError('frame stream ended in the middle of a fragmented message');
        }
      },
    },
    { highWaterMark: 1 },
    { highWaterMark: FRAME_HIGH_WATER_MARK },
  );
}

/**
 * Splits messages into frames of at most `maxFramePayload` bytes (default: one
 * frame per message); frames written to it (control frames, or data frames
 * someone already fragmented) pass through unchanged. Fragments are views of
 * the message data, not copies.
 *
 * @example
 * messages.pipeThrough(messageFragmenter({ maxFramePayload: 64 * 1024 })).pipeThrough(frameEncoder({ mask: false }));
 */
export function messageFragmenter(options: { maxFramePayload?: number } = {}): TransformStream<Message | Frame, Frame> {
  const maxFramePayload = options.maxFramePayload ?? Infinity;
  if (!(maxFramePayload >= 1)) throw new RangeError('maxFramePayload must be at least 1');
  return new TransformStream<Message | Frame, Frame>(
    {
      transform(item, controller) {
        if (!isMessage(item)) {
          controller.enqueue(item);
          return;
        }
        for (const frame of fragmentMessage(item, maxFramePayload)) controller.enqueue(frame);
      },
    },
    { highWaterMark: 1 },
    { highWaterMark: FRAME_HIGH_WATER_MARK },
  );
}
