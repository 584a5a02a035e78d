/**
 * Pipeline overhead: frames per second through N no-op extension sessions
 * (N = 1, 4, 16), run as WHATWG streams (`createExtensionPipeline`) and as Rx
 * operators (`applyExtensions`), next to a plain loop calling the very same
 * stage functions. The ratio against the loop is the price of the machinery
 * (ordering, backpressure, error isolation) per frame and session.
 *
 * Frames are small (16 B) so the figure is the pipeline's cost, not the
 * payload's. Each timed operation moves a batch of frames; rows report frames.
 */
import { Subject } from 'rxjs';
import { createFrame, type Frame, Opcode } from '../src/protocol/index.js';
import type { ExtensionSession, FrameStage, Stage } from '../src/protocol/extension.js';
import { createExtensionPipeline } from '../src/streams/extensionPipeline.js';
import { applyExtensions } from '../src/operators/applyExtensions.js';
import { compare, type BenchContext, type BenchRow, type BenchTable } from './lib/index.js';

const BATCH = 1_000;
const SESSIONS = [1, 4, 16];

function noopSessions(count: number): ExtensionSession[] {
  return Array.from({ length: count }, (_, i) => {
    // The same no-op function object serves every form, so all three call identical code.
    const stage: FrameStage = { kind: 'frame', process: (frame) => frame };
    return { name: `noop-${i}`, params: [], rsv: {}, outgoing: stage, incoming: stage, close() {} };
  });
}

/** The same no-op sessions written in the `transform` form: one TransformStream (and pipe) per session. */
function transformSessions(count: number): ExtensionSession[] {
  return Array.from({ length: count }, (_, i) => {
    const stage: Stage = { kind: 'transform', create: () => new TransformStream<Frame, Frame>() };
    return { name: `noop-stream-${i}`, params: [], rsv: {}, outgoing: stage, incoming: stage, close() {} };
  });
}

/** A plain loop: each frame through each session's function, nothing else. */
function loopOp(sessions: ExtensionSession[], frame: Frame): () => void {
  const fns = sessions.map((s) => (s.outgoing as FrameStage).process);
  const context = { signal: new AbortController().signal };
  let sink: unknown;
  return () => {
    for (let i = 0; i < BATCH; i++) {
      let f: Frame = frame;
      for (const fn of fns) f = fn(f, context) as Frame;
      sink = f;
    }
    if (sink === undefined) throw new Error('unreachable');
  };
}

/** A long-lived pipeline fed by an endless source; one operation reads a batch. */
function streamsOp(sessions: ExtensionSession[], frame: Frame): { op: () => Promise<void>; stop: () => Promise<void> } {
  const pipeline = createExtensionPipeline(sessions);
  const source = new ReadableStream<Frame>({
    pull(controller) {
      controller.enqueue(frame);
    },
  });
  const reader = source.pipeThrough(pipeline.outgoing).getReader();
  return {
    op: async () => {
      for (let i = 0; i < BATCH; i++) await reader.read();
    },
    stop: async () => {
      await reader.cancel();
      await pipeline.abort();
    },
  };
}

/** The floor for any stream stage: the same source and reader around one identity TransformStream. */
function identityStreamOp(frame: Frame): { op: () => Promise<void>; stop: () => Promise<void> } {
  const source = new ReadableStream<Frame>({
    pull(controller) {
      controller.enqueue(frame);
    },
  });
  const reader = source.pipeThrough(new TransformStream<Frame, Frame>()).getReader();
  return {
    op: async () => {
      for (let i = 0; i < BATCH; i++) await reader.read();
    },
    stop: () => reader.cancel(),
  };
}

/** The same sessions as operators, fed through a Subject (their stages are synchronous). */
function operatorsOp(sessions: ExtensionSession[], frame: Frame): { op: () => void; stop: () => void } {
  const input = new Subject<Frame>();
  let received = 0;
  const subscription = input.pipe(applyExtensions(sessions).outgoing).subscribe(() => received++);
  return {
    op: () => {
      const before = received;
      for (let i = 0; i < BATCH; i++) input.next(frame);
      if (received - before !== BATCH) throw new Error('operator pipeline lost frames');
    },
    stop: () => subscription.unsubscribe(),
  };
}

const formatRatio = (ratio: number) => `×${ratio >= 100 ? Math.round(ratio).toLocaleString('en-US') : ratio.toFixed(1)}`;

/** Rows come per batch; report them per frame. */
const perFrame = (row: BenchRow): BenchRow => ({ ...row, opsPerSec: row.opsPerSec * BATCH, meanMicros: row.meanMicros / BATCH, ops: row.ops * BATCH });

export default async function pipelineBench(ctx: BenchContext): Promise<BenchTable> {
  const frame = createFrame(Opcode.Binary, new Uint8Array(16));
  const rows: BenchRow[] = [];
  for (const n of SESSIONS) {
    const sessions = noopSessions(n);
    const streams = streamsOp(sessions, frame);
    const piped = streamsOp(transformSessions(n), frame);
    const identity = identityStreamOp(frame);
    const operators = operatorsOp(sessions, frame);
    const measured = (
      await compare(ctx, `${n} no-op session${n === 1 ? '' : 's'}`, {
        loop: loopOp(sessions, frame),
        streams: streams.op,
        operators: operators.op,
        'identity TransformStream': identity.op,
        'streams, transform-form': piped.op,
      })
    ).map(perFrame);
    // The ratio column reads ×0.00 at these magnitudes: say it the other way round too.
    const loopRate = measured[0]!.opsPerSec;
    rows.push(
      ...measured.map((row) =>
        row.impl === 'loop' ? row : { ...row, note: `loop is ${formatRatio(loopRate / row.opsPerSec)} faster` },
      ),
    );
    await streams.stop();
    await piped.stop();
    await identity.stop();
    operators.stop();
  }
  return {
    title: 'extension pipeline overhead (frames/s through N no-op frame-stage sessions)',
    baseline: 'loop',
    rows,
    notes: [
      `ops = frames (16 B payload), moved in batches of ${BATCH}; every impl calls the same no-op process(frame) per session.`,
      'streams: createExtensionPipeline().outgoing fed by an endless ReadableStream, read one frame at a time;',
      'operators: applyExtensions().outgoing fed synchronously through a Subject. "vs loop" is the overhead ratio.',
      'identity TransformStream: the same source and reader around one empty TransformStream, the floor for any stream stage.',
      'Consecutive function-form sessions run as levels of one ordered chain, so streams cost about one stream hop whatever N;',
      'streams, transform-form: the same no-op sessions written as TransformStream factories, one stream hop (pipe) per session.',
    ],
  };
}
