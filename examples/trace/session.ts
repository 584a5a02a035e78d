/**
 * The `x-trace` session: both stages are plain TransformStreams (the
 * `transform` form of the contract) that count each data frame and pass it on
 * as the very same object. A TransformStream stage gets backpressure for
 * free: when the next stage is slow, `transform` is simply not called.
 */
import type { ExtensionParams, ExtensionSession, Frame, TransformStage } from '../../src/protocol/index.js';
import type { Direction, TrafficMetrics } from './metrics.js';

export function createTraceSession(params: ExtensionParams, metrics: TrafficMetrics): ExtensionSession {
  const stage = (direction: Direction): TransformStage => ({
    kind: 'transform',
    create: () =>
      new TransformStream<Frame, Frame>({
        transform: (frame, controller) => controller.enqueue(metrics.record(direction, frame)),
      }),
  });
  return {
    name: 'x-trace',
    params,
    rsv: {}, // tracing changes nothing on the wire: no RSV bit
    outgoing: stage('outgoing'),
    incoming: stage('incoming'),
    close: () => undefined,
  };
}
