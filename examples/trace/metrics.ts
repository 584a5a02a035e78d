/**
 * Traffic counters of one connection, per direction, filled in by the
 * `x-trace` stages. They read frame headers and payload *lengths* only: the
 * payload bytes are never read, copied or replaced, so tracing costs the
 * same for a 10 B and a 10 MB frame.
 */
import type { Frame } from '../../src/protocol/index.js';

export type Direction = 'outgoing' | 'incoming';

export interface TrafficCounters {
  /** Data frames seen. */
  frames: number;
  /** Messages seen (frames with `fin`). */
  messages: number;
  /** Payload bytes of those frames. */
  bytes: number;
  /** Frames with RSV1 set (e.g. compressed by permessage-deflate, when traced on the wire side). */
  rsv1Frames: number;
}

/** One traced frame, as given to `onFrame`. */
export interface TraceEvent {
  readonly traceId: string;
  readonly direction: Direction;
  readonly opcode: number;
  readonly fin: boolean;
  readonly rsv: readonly [boolean, boolean, boolean];
  readonly length: number;
}

export class TrafficMetrics {
  readonly outgoing: TrafficCounters = emptyCounters();
  readonly incoming: TrafficCounters = emptyCounters();

  constructor(
    /** The id both peers agreed on during negotiation: correlates their logs. */
    readonly traceId: string,
    private readonly onFrame?: (event: TraceEvent) => void,
  ) {}

  /** Counts `frame` and returns it untouched. */
  record(direction: Direction, frame: Frame): Frame {
    const c = this[direction];
    c.frames++;
    if (frame.fin) c.messages++;
    c.bytes += frame.payload.length;
    if (frame.rsv1) c.rsv1Frames++;
    this.onFrame?.({
      traceId: this.traceId,
      direction,
      opcode: frame.opcode,
      fin: frame.fin,
      rsv: [frame.rsv1, frame.rsv2, frame.rsv3],
      length: frame.payload.length,
    });
    return frame;
  }

  /** A copy of both directions' counters, safe to keep. */
  snapshot(): { traceId: string; outgoing: TrafficCounters; incoming: TrafficCounters } {
    return { traceId: this.traceId, outgoing: { ...this.outgoing }, incoming: { ...this.incoming } };
  }
}

function emptyCounters(): TrafficCounters {
  return { frames: 0, messages: 0, bytes: 0, rsv1Frames: 0 };
}
