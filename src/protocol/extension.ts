/**
 * The extension contract (shared/DESIGN.md, "The extension contract").
 *
 * An extension is negotiated by a factory and runs as a session. A session has
 * an `outgoing` and an `incoming` stage; a stage may be written in whichever
 * form suits it and the library adapts it to the other two:
 *   - `transform`: a factory of WHATWG TransformStream<Frame, Frame>;
 *   - `frame` / `message`: plain (possibly async) functions per data frame or
 *     per whole message, run with bounded concurrency and emitted in wire order;
 *   - `operator`: an RxJS operator (built with `fromOperator()` of
 *     `wsx/operators`, which also supplies `create()` so the stream layer never
 *     needs rxjs).
 * Control frames bypass extension stages.
 * This file holds types only, so every layer can import it.
 */
import type { Frame, RsvBits } from './frame.js';
import type { Message } from './message.js';

/** One extension parameter, `name` or `name=value` (value unquoted; a bare name is `true`). */
export type ExtensionParam = readonly [name: string, value: string | true];
/** The parameters of one offer or response, in header order. */
export type ExtensionParams = readonly ExtensionParam[];

/** One comma-separated element of a `Sec-WebSocket-Extensions` header. */
export interface ExtensionHeaderItem {
  readonly name: string;
  readonly params: ExtensionParams;
}

/** Options the connection hands to every session it activates. */
export interface SessionOptions {
  /** Largest message (after decoding) the receiving side accepts, in bytes; `Infinity` for none. */
  readonly maxMessageSize?: number;
}

/** What a `frame`/`message` function gets besides its input. */
export interface StageContext {
  /** Aborted when the stage is cancelled or errors; long work should stop. */
  readonly signal: AbortSignal;
}

export interface TransformStage {
  readonly kind: 'transform';
  create(): TransformStream<Frame, Frame>;
}

export interface FrameStage {
  readonly kind: 'frame';
  /** Returns the frame(s) to emit in place of `frame`; may return `[]`. */
  process(frame: Frame, context: StageContext): Frame | readonly Frame[] | PromiseLike<Frame | readonly Frame[]>;
  /** Frames in flight at once (default 1: stateful per-frame codecs need order). */
  readonly concurrency?: number;
}

export interface MessageStage {
  readonly kind: 'message';
  process(message: Message, context: StageContext): Message | PromiseLike<Message>;
  /** Messages in flight at once (default 1); results are emitted in input order. */
  readonly concurrency?: number;
}

export interface OperatorStage {
  readonly kind: 'operator';
  /** An rxjs `OperatorFunction<Frame, Frame>`, typed loosely so this layer needs no rxjs. */
  readonly operator: (source: never) => unknown;
  /** The same operator as a TransformStream (built by `wsx/operators`). */
  create(): TransformStream<Frame, Frame>;
}

export type Stage = TransformStage | FrameStage | MessageStage | OperatorStage;

/** One negotiated extension, live for one connection. */
export interface ExtensionSession {
  readonly name: string;
  /** The parameters as agreed (the server's response), for display and logs. */
  readonly params: ExtensionParams;
  /** RSV bits this session sets on outgoing frames and accepts on incoming ones. */
  readonly rsv: Partial<RsvBits>;
  /** Runs on data frames the application sends, in negotiated order. */
  readonly outgoing: Stage;
  /** Runs on data frames from the peer, in reverse negotiated order. */
  readonly incoming: Stage;
  /** Releases resources; resolves once in-flight work is done. */
  close(): void | PromiseLike<void>;
}

/** The client's side of negotiation (RFC 6455 §9.1). */
export interface ClientExtensionFactory {
  readonly name: string;
  /** The parameter sets to offer, most preferred first (one element per offer). */
  offer(): readonly ExtensionParams[];
  /**
   * Activates the extension from the server's response, or throws a
   * `NegotiationError` (the client then fails the connection with 1010).
   */
  accept(params: ExtensionParams, accepted: readonly ExtensionSession[], options?: SessionOptions): ExtensionSession;
}

/** The server's side of negotiation. */
export interface ServerExtensionFactory {
  readonly name: string;
  /**
   * Chooses among the client's offers of this extension (in the client's
   * preference order) and answers, or returns `null` to decline. A server
   * declines what it cannot accept; it does not fail the handshake (RFC 7692 §7).
   */
  respond(
    offers: readonly ExtensionParams[],
    accepted: readonly ExtensionSession[],
    options?: SessionOptions,
  ): { readonly params: ExtensionParams; readonly session: ExtensionSession } | null;
}
