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
import { Opcode } from '../protocol/opcodes.js';

/** Output queue of byte streams, counted in bytes. */
export const BYTE_HIGH_WATER_MARK = 64 * 1024;
/** Output queue of frame/message streams, counted in items. */
export const FRAME_HIGH_WATER_MARK = 16;

/** An unmasked payload at least this big is enqueued as its own chunk after the header, not copied. */
const ZERO_COPY_THRESHOLD = 16 * 1024;

const byteSize = (chunk: Uint8Array) => chunk.byteLength;

/**
 * A byte → frame stream (a readable/writable pair for `pipeThrough`) and the
 * parser behind it, so negotiation can change the allowed RSV bits later.
 */
export interface FrameDecoderStream {
  readonly writable: WritableStream<Uint8Array>;
  readonly readable: ReadableStream<Frame>;
  readonly parser: FrameParser;
}

/**
 * Parses a byte stream into frames. A protocol violation errors the stream
 * with the typed error (its `closeCode` says how to close the connection),
 * but only after every frame completed before it has been read: what the
 * peer sent before going wrong (a Close, say) must not depend on how TCP
 * split the bytes. Input chunks are never modified.
 *
 * Why not a `TransformStream`: erroring one discards the frames still queued
 * for the reader. This pair errors its readable only once that queue is empty.
 *
 * @example
 * const frames = socketBytes.pipeThrough(frameDecoder({ role: 'server', maxFramePayload: 1 << 20 }));
 * for await (const frame of frames) console.log(frame.opcode, frame.payload.length);
 */
export function frameDecoder(options: FrameParserOptions): FrameDecoderStream {
  const parser = new FrameParser(options);
  let out!: ReadableStreamDefaultController<Frame>;
  let input!: WritableStreamDefaultController;
  let closeSeen = false;
  let held: { error: unknown } | null = null; // a violation waiting behind queued frames
  let waiting: { resolve(): void; reject(reason: unknown): void } | null = null; // a write held by backpressure

  /** Errors the readable now if nothing is queued, else once the reader has taken the queue. */
  const raise = (error: unknown) => {
    if (out.desiredSize === FRAME_HIGH_WATER_MARK) out.error(error);
    else held = { error };
  };

  const readable = new ReadableStream<Frame>(
    {
      start(controller) {
        out = controller;
      },
      pull(controller) {
        // Called after every read while there is room: the moment to raise a held violation.
        if (held !== null) {
          if (controller.desiredSize === FRAME_HIGH_WATER_MARK) controller.error(held.error);
          return;
        }
        const write = waiting;
        waiting = null;
        write?.resolve();
      },
      cancel(reason) {
        input.error(reason);
        const write = waiting;
        waiting = null;
        write?.reject(reason);
      },
    },
    { highWaterMark: FRAME_HIGH_WATER_MARK },
  );

  const writable = new WritableStream<Uint8Array>(
    {
      start(controller) {
        input = controller;
      },
      write(chunk) {
        let frames: Frame[];
        try {
          frames = parser.push(chunk);
        } catch (error) {
          raise(error);
          throw error;
        }
        for (const frame of frames) {
          if (frame.opcode === Opcode.Close) closeSeen = true;
          out.enqueue(frame);
        }
        if (parser.error !== undefined) {
          raise(parser.error);
          throw parser.error;
        }
        if (out.desiredSize! <= 0) return new Promise<void>((resolve, reject) => (waiting = { resolve, reject }));
      },
      close() {
        // Half a frame at the end of the stream is a truncated connection, not
        // a clean end; so is an unfinished message, unless the peer's Close
        // (allowed between fragments) already ended the conversation.
        if (parser.midFrame || (parser.inMessage && !closeSeen)) {
          const error = new ConnectionLostError('byte stream ended in the middle of a frame or fragmented message');
          raise(error);
          throw error;
        }
        out.close();
      },
      abort(reason) {
        out.error(reason);
      },
    },
    { highWaterMark: 1, size: byteSize },
  );
  return { writable, readable, parser };
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
