/**
 * The extension pipeline as a pair of Rx operators: outgoing frames pass the
 * sessions in negotiated order, incoming frames in reverse — the same
 * composition `createExtensionPipeline` builds from streams, with control
 * frames routed around the stages by the same rules (`bypassControlOperator`).
 */
import type { Observable, OperatorFunction } from 'rxjs';
import type { Frame } from '../protocol/frame.js';
import type { ExtensionSession, Stage } from '../protocol/extension.js';
import type { OrderedLevel } from '../streams/orderedChain.js';
import { stageLevel } from '../streams/stageStream.js';
import { bypassControlOperator } from './bypassControlOperator.js';
import { orderedChainOperator } from './orderedChainOperator.js';
import { stageToOperator } from './stageToOperator.js';

export interface ExtensionOperators {
  readonly outgoing: OperatorFunction<Frame, Frame>;
  readonly incoming: OperatorFunction<Frame, Frame>;
}

/**
 * Only data frames reach the stages. Ping/Pong are emitted as they arrive,
 * ahead of a message still being processed (order among control frames
 * kept); a Close ends the stages' input and follows their last frame; a data
 * frame after a Close errors the direction with `ProtocolError` (1002).
 *
 * Sessions are not closed by the operators (a subscription may be retried);
 * call each session's `close()` when the connection ends.
 *
 * @example
 * const { outgoing, incoming } = applyExtensions(sessions);
 * appFrames$.pipe(outgoing).subscribe(sendFrame);
 * peerFrames$.pipe(incoming).subscribe(deliver);
 */
export function applyExtensions(sessions: readonly ExtensionSession[]): ExtensionOperators {
  const out = fuse(sessions.map((s) => s.outgoing));
  const inc = fuse([...sessions].reverse().map((s) => s.incoming));
  return { outgoing: chain(out), incoming: chain(inc) };
}

/** Consecutive function stages become one ordered-chain operator (as `createExtensionPipeline` does with streams). */
function fuse(stages: readonly Stage[]): OperatorFunction<Frame, Frame>[] {
  const operators: OperatorFunction<Frame, Frame>[] = [];
  let run: Stage[] = [];
  const closeRun = () => {
    if (run.length === 0) return;
    const fused = run;
    // Levels are built per subscription: message stages hold assembler state.
    operators.push(orderedChainOperator<Frame, Frame>(() => fused.map((stage) => stageLevel(stage) as OrderedLevel)));
    run = [];
  };
  for (const stage of stages) {
    if (stage.kind === 'frame' || stage.kind === 'message') run.push(stage);
    else {
      closeRun();
      operators.push(stageToOperator(stage));
    }
  }
  closeRun();
  return operators;
}

function chain(operators: readonly OperatorFunction<Frame, Frame>[]): OperatorFunction<Frame, Frame> {
  return bypassControlOperator((source: Observable<Frame>) => operators.reduce((frames, operator) => operator(frames), source));
}
