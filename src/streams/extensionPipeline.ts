/**
 * Runs negotiated extension sessions as one duplex pair of streams.
 *
 * Outgoing frames pass the sessions in negotiated order, incoming frames in
 * reverse (RFC 6455 §9: the first extension listed is the outermost on the
 * way out, so it is the first to undo on the way in). The two directions are
 * separate chains: an error in one stops that one only. Control frames never
 * enter the stages: each direction routes them around (`controlBypass.ts`).
 */
import type { Frame } from '../protocol/frame.js';
import type { ExtensionSession, Stage } from '../protocol/extension.js';
import { composeTransforms } from './composeTransforms.js';
import { bypassControlFrames, type ControlBypass } from './controlBypass.js';
import { fuseStages } from './stageStream.js';
import { orderedChainTransform, type OrderedChainTransform } from './orderedTransform.js';

export interface ExtensionPipeline {
  /**
   * Frames the application sends: data frames pass the sessions in negotiated
   * order. Control frames go around them: Ping/Pong come out as soon as they
   * are written (ahead of a slow message, order among control frames kept), a
   * Close after every data frame written before it; a data frame after a
   * Close is a `ProtocolError` (1002).
   */
  readonly outgoing: TransformStream<Frame, Frame>;
  /** Frames from the peer: data frames pass the sessions in reverse order; control frames as in `outgoing`. */
  readonly incoming: TransformStream<Frame, Frame>;
  readonly sessions: readonly ExtensionSession[];
  /**
   * Resolves once both directions have ended (closed, errored or cancelled)
   * and every session's `close()` has resolved. Each session is closed as
   * soon as its own two stages are done, not after the slowest one. Rejects
   * only if a session's `close()` itself failed (after all were called).
   */
  close(): Promise<void>;
  /** Stops both directions now: in-flight work is aborted and both ends error with `reason`; then sessions close. */
  abort(reason?: unknown): Promise<void>;
}

/**
 * @example
 * const pipeline = createExtensionPipeline(sessions);
 * app.pipeThrough(fragmenter).pipeThrough(pipeline.outgoing).pipeThrough(encoder).pipeTo(socket);
 * socket.pipeThrough(decoder).pipeThrough(pipeline.incoming).pipeThrough(assembler).pipeTo(app);
 * // …when both directions have ended:
 * await pipeline.close();
 */
export function createExtensionPipeline(sessions: readonly ExtensionSession[]): ExtensionPipeline {
  const list = Object.freeze([...sessions]);
  const out = direction(list.map((s) => s.outgoing));
  const inc = direction([...list].reverse().map((s) => s.incoming));
  const { transform: outgoing } = out;
  const { transform: incoming } = inc;
  const last = list.length - 1;
  const closed = list.map((session, i) =>
    Promise.all([out.stageDone[i], inc.stageDone[last - i]]).then(() => session.close()),
  );
  // Observe every close so a failing one is reported through close(), not as an unhandled rejection.
  const allClosed = Promise.allSettled(closed).then((results) => {
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  allClosed.catch(() => {});

  return {
    outgoing: { writable: outgoing.writable, readable: outgoing.readable },
    incoming: { writable: incoming.writable, readable: incoming.readable },
    sessions: list,
    close: () => allClosed,
    abort(reason?: unknown) {
      outgoing.abort(reason);
      incoming.abort(reason);
      return allClosed;
    },
  };
}

/**
 * One direction: consecutive function stages fused into ordered chains, the
 * rest piped, and control frames routed around all of them (once per
 * direction, not per stage: one routing decision per frame, one place for
 * the ordering rules). Control frames enter the last part's readable
 * directly, so the last part must be an ordered chain: when it is a stream
 * stage, an identity chain follows it (the hop composeTransforms would add
 * anyway to tell when that stage is done).
 */
function direction(stages: readonly Stage[]): { transform: ControlBypass; stageDone: Promise<void>[] } {
  const fused = fuseStages(stages);
  const parts = [...fused.parts];
  let last = parts[parts.length - 1] as Partial<OrderedChainTransform<Frame, Frame>> | undefined;
  if (last?.output === undefined) {
    const tail = orderedChainTransform<Frame, Frame>([{ fn: (frame: Frame) => frame, flat: false, concurrency: 1 }]);
    parts.push(tail);
    last = tail;
  }
  const composed = composeTransforms<Frame, Frame>(parts);
  const transform = bypassControlFrames({
    writable: composed.writable,
    readable: composed.readable,
    output: last.output!,
    abort: (reason) => composed.abort(reason),
  });
  return { transform, stageDone: fused.stageDone(composed.stageDone) };
}
