/**
 * permessage-deflate as Rx operators over frames: the same sans-I/O codec as
 * the `deflate()`/`inflate()` TransformStreams, one codec per subscription.
 * Frames stay in order (concatMap); small frames are handled synchronously,
 * large ones are sliced so the event loop keeps turning.
 */
import { defer, finalize, concatMap, from, of, type Observable, type OperatorFunction } from 'rxjs';
import { PerMessageCompressor, type CompressorOptions } from '../deflate/compressor.js';
import { PerMessageDecompressor, type DecompressorOptions } from '../deflate/decompressor.js';
import { DEFAULT_SLICE_BUDGET_MS } from '../deflate/drive.js';
import { runCodec, type SlicedCodec } from '../deflate/slicedCodec.js';
import type { SliceOptions } from '../deflate/streams.js';
import type { Frame } from '../protocol/frame.js';

function codecOperator(create: () => SlicedCodec, budgetMs: number): OperatorFunction<Frame, Frame> {
  return (source: Observable<Frame>) =>
    defer(() => {
      const codec = create();
      return source.pipe(
        concatMap((frame) => {
          const result = runCodec(codec, frame, budgetMs);
          return result instanceof Promise ? from(result) : of(result);
        }),
        finalize(() => codec.close()),
      );
    });
}

/**
 * Compresses data frames (RFC 7692 §6.1).
 *
 * @example
 * frames$.pipe(deflate({ noContextTakeover: true })).subscribe(send);
 */
export function deflate(options: CompressorOptions & SliceOptions = {}): OperatorFunction<Frame, Frame> {
  return codecOperator(() => new PerMessageCompressor(options), options.sliceBudgetMs ?? DEFAULT_SLICE_BUDGET_MS);
}

/**
 * Inflates compressed messages (RFC 7692 §6.2); errors with the typed error
 * (1002, 1007 or 1009) that should close the connection.
 *
 * @example
 * wire$.pipe(inflate({ maxMessageSize: 1 << 20 })).subscribe(deliver);
 */
export function inflate(options: DecompressorOptions & SliceOptions = {}): OperatorFunction<Frame, Frame> {
  return codecOperator(() => new PerMessageDecompressor(options), options.sliceBudgetMs ?? DEFAULT_SLICE_BUDGET_MS);
}
