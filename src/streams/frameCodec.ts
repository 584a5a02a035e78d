/**
 * Bytes ⇄ frames as WHATWG TransformStreams: thin adapters over the sans-I/O
 * `FrameParser` and `serializeFrame` of src/protocol (all rules live there).
 *
 * Backpressure: each stage holds at most one input chunk and a small output
 * queue; while the reader does not read, `writer.ready` stays pending, so a
 * fast writer is stopped rather than queued without bound.
 */
import { FrameParser, type FrameParserOptions } from '../protocol/frameParser.js';
import { encodeFrameHeader, serializeFrame } from '../protocol/frameSerializer.js';
import type { Frame } from '../protocol/frame.js';
import { ConnectionLostError } from '../protocol/errors.js';

/** Output queue of byte streams, counted in bytes. */
export const BYTE_HIGH_WATER_MARK = 64 * 1024;
/** Output queue of frame/message streams, counted in items. */
export const FRAME_HIGH_WATER_MARK = 16;

/** An unmasked payload at least this big is enqueued as its own chunk after the header, not copied. */
const ZERO_COPY_THRESHOLD = 16 * 1024;

const byteSize = (chunk: Uint8Array) => chunk.byteLength;

/** The parser behind a `frameDecoder`, so negotiation can change the allowed RSV bits later. */
export interface FrameDecoderStream extends TransformStream<Uint8Array, Frame> {
  readonly parser: FrameParser;
}

/**
 * Parses a byte stream into frames. A protocol violation errors the stream
 * with the typed error (its `closeCode` says how to close the connection).
 * Input chunks are never modified.
 *
 * @example
 * const frames = socketBytes.pipeThrough(frameDecoder({ role: 'server', maxFramePayload: 1 << 20 }));
 * for await (const frame of frames) console.log(frame.opcode, frame.payload.length);
 */
export function frameDecoder(options: FrameParserOptions): FrameDecoderStream {
  const parser = new FrameParser(options);
  const stream = new TransformStream<Uint8Array, Frame>(
    {
      transform(chunk, controller) {
        for (const frame of parser.push(chunk)) controller.enqueue(frame);
      },
      flush() {
        // Half a frame at the end of the stream is a truncated connection, not a clean end.
        if (parser.bufferedBytes > 0 || parser.inMessage) {
          throw new ConnectionLostError('byte stream ended in the middle of a frame or fragmented message');
        }
      },
    },
    { highWaterMark: 1, size: byteSize },
    { highWaterMark: FRAME_HIGH_WATER_MARK },
  );
  return Object.assign(stream, { parser });
}

/**
 * Serializes frames into bytes; `mask: true` for a client (a fresh random key
 * per frame). Large unmasked payloads are passed on as their own chunk after
 * the header instead of being copied, so chunk boundaries need not match
 * frame boundaries.
 *
 * @example
 * frames.pipeThrough(frameEncoder({ mask: true })).pipeTo(socketWritable);
 */
export function frameEncoder(options: { mask: boolean }): TransformStream<Frame, Uint8Array> {
  const mask = options.mask;
  return new TransformStream<Frame, Uint8Array>(
    {
      transform(frame, controller) {
        if (!mask && frame.payload.length >= ZERO_COPY_THRESHOLD) {
          controller.enqueue(encodeFrameHeader(frame, { mask: false }).header);
          controller.enqueue(frame.payload);
        } else {
          controller.enqueue(serializeFrame(frame, { mask }));
        }
      },
    },
    { highWaterMark: 1 },
    { highWaterMark: BYTE_HIGH_WATER_MARK, size: byteSize },
  );
}
