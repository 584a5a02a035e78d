/**
 * The readable end of an ordered-chain stage, opened to one wrapper: the
 * extension pipeline's control-frame bypass puts control frames straight
 * into it (no stream hop of their own) and learns from it when the stages
 * have emitted their last frame, the moment a held Close may go.
 */

export interface OrderedOutputHooks {
  /** The reader wants more (a chance to wake writers waiting for room). */
  pulled(): void;
  /**
   * The input ended and every output was emitted. The readable closes when
   * the returned promise resolves; until then `inject` still works.
   */
  drained(): void | Promise<void>;
}

/**
 * The readable end, for a wrapper that puts items into it around the chain
 * (the pipeline's control-frame bypass), so they need no stream hop of their own.
 *
 * @example
 * const stage = orderedChainTransform<string, string>([{ fn: async (s: string) => s.toUpperCase(), flat: false, concurrency: 1 }]);
 * stage.output.attach({ pulled: () => {}, drained: () => console.log('last output emitted') });
 * stage.output.inject('urgent'); // read before anything still in the chain
 */
export interface OrderedOutput<O> {
  /** Enqueues `item` for the reader now, around the chain; false once the stage has stopped. */
  inject(item: O): boolean;
  /** The reader's buffer: high-water mark minus queued items (null once errored). */
  readonly desiredSize: number | null;
  /** Set once the stage has stopped (error, cancel, abort), with the reason. */
  readonly stopped: { readonly reason: unknown } | undefined;
  /** Installs the wrapper's hooks (one wrapper per stage). */
  attach(hooks: OrderedOutputHooks): void;
}
