/**
 * permessage-deflate as WHATWG TransformStreams over frames, for use outside
 * a negotiated connection: `frames.pipeThrough(deflate())`.
 *
 * The streams are thin: all logic is in the sans-I/O codec. Frames up to one
 * slice are handled synchronously inside `transform`; larger ones are sliced
 * (`drive`) so the event loop keeps turning, and the stream's own
 * backpressure holds the writer meanwhile. Uses the global TransformStream at
 * call time, so it works on any implementation.
 */
import type { Frame } from '../protocol/frame.js';
import { PerMessageCompressor, type CompressorOptions } from './compressor.js';
import { PerMessageDecompressor, type DecompressorOptions } from './decompressor.js';
import { DEFAULT_SLICE_BUDGET_MS } from './drive.js';
import { runCodec, type SlicedCodec } from './slicedCodec.js';

export interface SliceOptions {
  /** Longest synchronous stretch of zlib work before yielding (default 4 ms). */
  readonly sliceBudgetMs?: number;
}

function codecStream(codec: SlicedCodec, budgetMs: number): TransformStream<Frame, Frame> {
  const fail = (error: unknown): never => {
    codec.close();
    throw error;
  };
  return new TransformStream<Frame, Frame>({
    transform(frame, controller) {
      try {
        const result = runCodec(codec, frame, budgetMs);
        if (!(result instanceof Promise)) {
          controller.enqueue(result);
          return;
        }
        return result.then((out) => controller.enqueue(out), fail);
      } catch (error) {
        return fail(error);
      }
    },
    flush() {
      codec.close();
    },
  });
}

/**
 * Compresses data frames (RFC 7692 §6.1). Defaults: window 15, context
 * takeover, level 6 / memLevel 5, threshold 16 bytes.
 *
 * @example
 * const wire = frames.pipeThrough(deflate({ windowBits: 12 }));
 */
export function deflate(options: CompressorOptions & SliceOptions = {}): TransformStream<Frame, Frame> {
  return codecStream(new PerMessageCompressor(options), options.sliceBudgetMs ?? DEFAULT_SLICE_BUDGET_MS);
}

/**
 * Inflates data frames whose message has RSV1 (RFC 7692 §6.2); errors the
 * stream with ProtocolError (1002), InvalidDataError (1007) or
 * PayloadTooBigError (1009).
 *
 * @example
 * const frames = wire.pipeThrough(inflate({ maxMessageSize: 1 << 20 }));
 */
export function inflate(options: DecompressorOptions & SliceOptions = {}): TransformStream<Frame, Frame> {
  return codecStream(new PerMessageDecompressor(options), options.sliceBudgetMs ?? DEFAULT_SLICE_BUDGET_MS);
}
