/**
 * The extension pipeline as a pair of Rx operators: outgoing frames pass the
 * sessions in negotiated order, incoming frames in reverse — the same
 * composition `createExtensionPipeline` builds from streams.
 */
import type { Observable, OperatorFunction } from 'rxjs';
import type { Frame } from '../protocol/frame.js';
import type { ExtensionSession } from '../protocol/extension.js';
import { stageToOperator } from './stageToOperator.js';

export interface ExtensionOperators {
  readonly outgoing: OperatorFunction<Frame, Frame>;
  readonly incoming: OperatorFunction<Frame, Frame>;
}

/**
 * Sessions are not closed by the operators (a subscription may be retried);
 * call each session's `close()` when the connection ends.
 *
 * @example
 * const { outgoing, incoming } = applyExtensions(sessions);
 * appFrames$.pipe(outgoing).subscribe(sendFrame);
 * peerFrames$.pipe(incoming).subscribe(deliver);
 */
export function applyExtensions(sessions: readonly ExtensionSession[]): ExtensionOperators {
  const out = sessions.map((s) => stageToOperator(s.outgoing));
  const inc = [...sessions].reverse().map((s) => stageToOperator(s.incoming));
  return { outgoing: chain(out), incoming: chain(inc) };
}

function chain(operators: readonly OperatorFunction<Frame, Frame>[]): OperatorFunction<Frame, Frame> {
  return (source: Observable<Frame>) => operators.reduce((frames, operator) => operator(frames), source);
}
