/**
 * The explicit per-message opt-out: a first frame marked here goes out
 * uncompressed (RSV1 clear) whatever its size. RFC 7692 lets a sender choose
 * per message; already-compressed media or data the app knows is random is
 * cheaper to send raw than to run through zlib.
 *
 * A mark is attached to the frame object (a WeakSet: nothing leaks), so mark
 * the frame as it enters the deflate stage, e.g. the first frame of a message.
 */
import type { Frame } from '../protocol/frame.js';

const marked = new WeakSet<Frame>();

/**
 * Marks `frame` (the first frame of a message) to be sent without compression.
 *
 * @example
 * writer.write(sendUncompressed(createFrame(Opcode.Binary, jpegBytes)));
 */
export function sendUncompressed<F extends Frame>(frame: F): F {
  marked.add(frame);
  return frame;
}

export function isMarkedUncompressed(frame: Frame): boolean {
  return marked.has(frame);
}
