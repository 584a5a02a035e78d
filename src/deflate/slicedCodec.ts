/**
 * The one rule for running a permessage-deflate codec on a frame, shared by
 * the session (connections), the `deflate()`/`inflate()` streams and the Rx
 * operators: a frame up to one slice is processed in a single synchronous call
 * (the fast path for small messages); a larger one is sliced by `drive`, so
 * it completes synchronously when it fits the time budget and otherwise
 * returns a promise while the event loop keeps turning.
 */
import type { Frame } from '../protocol/frame.js';
import { drive } from './drive.js';

/** What `PerMessageCompressor` and `PerMessageDecompressor` have in common. */
export interface SlicedCodec {
  /** Payload bytes `process` handles in one synchronous call. */
  readonly sliceBytes: number;
  process(frame: Frame): Frame;
  steps(frame: Frame): Generator<void, Frame, void>;
  close(): void;
}

/**
 * @example
 * const out = runCodec(new PerMessageCompressor(), frame, 4);
 * if (out instanceof Promise) await out; // only for frames past one slice that outlast 4 ms
 */
export function runCodec(codec: SlicedCodec, frame: Frame, budgetMs: number, signal?: AbortSignal): Frame | Promise<Frame> {
  if (frame.payload.length <= codec.sliceBytes) return codec.process(frame);
  return drive(codec.steps(frame), budgetMs, signal);
}
