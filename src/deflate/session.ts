/**
 * One negotiated permessage-deflate connection: a compressor for what we send
 * and a decompressor for what we receive, exposed as two `frame` stages.
 *
 * Why a `frame` stage with concurrency 1 rather than a TransformStream: the
 * codec is synchronous, so the common case (a frame under one slice) returns
 * its result directly and the pipeline adds no promise or queue hop per
 * message; only payloads larger than one slice return a promise (see `drive`).
 */
import type { ExtensionParams, ExtensionSession, FrameStage, StageContext } from '../protocol/extension.js';
import type { Frame } from '../protocol/frame.js';
import type { ZlibBackend } from './backend.js';
import type { CompressSettings } from './compressSettings.js';
import { PerMessageCompressor } from './compressor.js';
import { PerMessageDecompressor } from './decompressor.js';
import { DEFAULT_SLICE_BUDGET_MS } from './drive.js';
import { idleSweeper, type IdleSweeper } from './idleSweeper.js';
import type { Agreement } from './negotiate.js';
import { PERMESSAGE_DEFLATE } from './params.js';
import { runCodec, type SlicedCodec } from './slicedCodec.js';

/** Settings that do not take part in negotiation, shared by both factories. */
export interface CodecOptions {
  /**
   * zlib settings for our compressor (defaults: level 6; memLevel 4 from the
   * server factory, 8 from the client factory, 5 for a session built directly).
   */
  readonly compressSettings?: CompressSettings;
  /** Single-frame messages shorter than this go out uncompressed (default 16 bytes). */
  readonly threshold?: number;
  /** Called with the first frame of each outgoing message; `false` sends it uncompressed. */
  readonly shouldCompress?: (frame: Frame) => boolean;
  /** Send a message raw when compressing its first frame does not make it smaller (default true). */
  readonly sendRawIfNotSmaller?: boolean;
  /**
   * Free a direction's zlib context after each message when that direction
   * negotiated no context takeover (default false): idle connections then
   * hold no zlib memory, at ~20 µs per message to allocate a new context.
   */
  readonly freeContextBetweenMessages?: boolean;
  /** Limit on an inflated message; defaults to the connection's `maxMessageSize`. */
  readonly maxMessageSize?: number;
  /**
   * zlib implementation. Default: `lowMemoryBackend` from the server factory
   * and `minizlibBackend` otherwise on Node; `pakoBackend` where `node:zlib`
   * is missing.
   */
  readonly backend?: ZlibBackend;
  /** Longest synchronous stretch of zlib work before yielding to the event loop (default 4 ms). */
  readonly sliceBudgetMs?: number;
  /**
   * After this long without a frame (between 1× and 2×), a session keeps only
   * its two windows and frees the rest of its zlib state, rebuilt from them on
   * the next message (backends with `hibernate`: pako, lowMemoryBackend).
   * `null`: never. Default: see the factories (README "Memory per connection").
   */
  readonly hibernateAfterMs?: number | null;
}

export interface PerMessageDeflateSessionInit extends CodecOptions {
  readonly role: 'client' | 'server';
  readonly agreement: Agreement;
  /** The response parameters, for display. */
  readonly params: ExtensionParams;
}

export class PerMessageDeflateSession implements ExtensionSession {
  readonly name = PERMESSAGE_DEFLATE;
  readonly params: ExtensionParams;
  readonly rsv = { rsv1: true } as const;
  readonly agreement: Agreement;
  readonly outgoing: FrameStage;
  readonly incoming: FrameStage;
  readonly #compressor: PerMessageCompressor;
  readonly #decompressor: PerMessageDecompressor;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #sweeper: IdleSweeper | undefined;

  constructor(init: PerMessageDeflateSessionInit) {
    const { agreement, role } = init;
    const client = role === 'client';
    this.params = init.params;
    this.agreement = agreement;
    this.#compressor = new PerMessageCompressor({
      backend: init.backend,
      windowBits: client ? agreement.clientWindowBits : agreement.serverWindowBits,
      noContextTakeover: client ? agreement.clientNoContextTakeover : agreement.serverNoContextTakeover,
      compressSettings: init.compressSettings,
      threshold: init.threshold,
      shouldCompress: init.shouldCompress,
      sendRawIfNotSmaller: init.sendRawIfNotSmaller,
      freeContextBetweenMessages: init.freeContextBetweenMessages,
    });
    this.#decompressor = new PerMessageDecompressor({
      backend: init.backend,
      windowBits: client ? agreement.serverWindowBits : agreement.clientWindowBits,
      noContextTakeover: client ? agreement.serverNoContextTakeover : agreement.clientNoContextTakeover,
      maxMessageSize: init.maxMessageSize,
      freeContextBetweenMessages: init.freeContextBetweenMessages,
    });
    const budget = init.sliceBudgetMs ?? DEFAULT_SLICE_BUDGET_MS;
    const sweeper = (this.#sweeper = init.hibernateAfterMs == null ? undefined : idleSweeper(init.hibernateAfterMs));
    // One frame at a time (the codecs are stateful); every frame marks the session active.
    const stage = (codec: SlicedCodec): FrameStage => ({
      kind: 'frame',
      concurrency: 1,
      process: (frame: Frame, context: StageContext) => {
        sweeper?.touch(this);
        return this.#track(runCodec(codec, frame, budget, context.signal));
      },
    });
    this.outgoing = stage(this.#compressor);
    this.incoming = stage(this.#decompressor);
  }

  /**
   * Frees both directions' zlib state but their windows, if the backend can
   * and no message is half done; the next message rebuilds it. Called by the
   * idle sweeper (`hibernateAfterMs`); harmless at any time.
   */
  hibernate(): void {
    this.#compressor.hibernate();
    this.#decompressor.hibernate();
  }

  /** Waits for sliced work in flight, then frees both zlib contexts. */
  async close(): Promise<void> {
    this.#sweeper?.forget(this);
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    this.#compressor.close();
    this.#decompressor.close();
  }

  #track<T>(result: T | Promise<T>): T | Promise<T> {
    if (!(result instanceof Promise)) return result;
    this.#pending.add(result);
    const done = () => this.#pending.delete(result);
    result.then(done, done);
    return result;
  }
}
