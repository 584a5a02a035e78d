/**
 * Running extension sessions inside a marble test.
 *
 * `send(sessions, input$)` is the outgoing direction: messages (or frames) as
 * the application writes them → fragmenter → outgoing stages in negotiated
 * order → the frames that would go on the wire. `receive(sessions, wire$)` is
 * the incoming one: wire frames → incoming stages in reverse order → the
 * messages delivered to the application. Both go through `applyExtensions`
 * of `wsx/operators`, so every stage form (TransformStream, operator,
 * per-frame or per-message function) runs as the connection would run it,
 * and control frames bypass the stages by the pipeline's own rules: a ping
 * or pong comes out as soon as it arrives, a Close after the data before it.
 */
import { concatMap, from, of, type Observable } from 'rxjs';
import { applyExtensions } from '../src/operators/index.js';
import {
  fragmentMessage,
  type ExtensionSession,
  type Frame,
  type Message,
  type Stage,
  type StageContext,
} from '../src/protocol/index.js';
import type { AsyncTestScheduler } from './asyncTestScheduler.js';
import { assembleMessages } from './assembleMessages.js';
import { isMessage } from './notation.js';
import { wireCheck } from './wireCheck.js';

/** Latency in virtual ms per item: one number for all, a list by item index, or a function. */
export type Latency = number | readonly number[] | ((item: Frame | Message, index: number) => number);

export interface SendOptions {
  /** Fragment messages into frames of at most this many payload bytes (default: one frame each). */
  readonly maxFramePayload?: number;
  /** Check the frames leaving the stages with the real frame parser (default true; see `wireCheck.ts`). */
  readonly wireCheck?: boolean;
}

export interface ReceiveOptions {
  /** Largest message the assembler accepts (1009 beyond), default unlimited. */
  readonly maxMessageSize?: number;
  /** Deliver frames as they leave the incoming stages instead of assembled messages. */
  readonly frames?: boolean;
  /** Check wire frames with the real frame parser before the stages (default true; see `wireCheck.ts`). */
  readonly wireCheck?: boolean;
}

export interface ExtensionHelpers {
  /** Outgoing direction: application messages/frames in, wire frames out. */
  send(sessions: ExtensionSession | readonly ExtensionSession[], input: Observable<unknown>, options?: SendOptions): Observable<Frame>;
  /** Incoming direction: wire frames in, delivered messages (and control frames) out. */
  receive(
    sessions: ExtensionSession | readonly ExtensionSession[],
    wire: Observable<unknown>,
    options?: ReceiveOptions,
  ): Observable<Frame | Message>;
  /**
   * A copy of `session` whose per-frame / per-message work also takes virtual
   * time: each result is held back `latency` ms after the real work finished.
   * With `concurrency` > 1 and falling latencies, work finishes out of order.
   */
  withLatency(session: ExtensionSession, latency: { outgoing?: Latency; incoming?: Latency }): ExtensionSession;
}

export function extensionHelpers(scheduler: AsyncTestScheduler): ExtensionHelpers {
  const tracked = (sessions: ExtensionSession | readonly ExtensionSession[]): ExtensionSession[] =>
    (Array.isArray(sessions) ? (sessions as readonly ExtensionSession[]) : [sessions as ExtensionSession]).map((s) =>
      trackSession(s, scheduler),
    );
  return {
    send(sessions, input, options = {}) {
      const frames = input.pipe(concatMap((v) => (isMessage(v) ? from(fragmentMessage(v, options.maxFramePayload)) : of(v as Frame))));
      const list = tracked(sessions);
      const wire = frames.pipe(applyExtensions(list).outgoing);
      return scheduler.own(options.wireCheck === false ? wire : wire.pipe(wireCheck(list)));
    },
    receive(sessions, wire, options = {}) {
      const list = tracked(sessions);
      let frames = wire.pipe(concatMap((v) => (isMessage(v) ? from(fragmentMessage(v)) : of(v as Frame))));
      if (options.wireCheck !== false) frames = frames.pipe(wireCheck(list));
      const out = frames.pipe(applyExtensions(list).incoming);
      return scheduler.own(options.frames ? out : out.pipe(assembleMessages(options.maxMessageSize)));
    },
    withLatency(session, latency) {
      return {
        ...session,
        outgoing: delayStage(session.outgoing, latency.outgoing, scheduler, `${session.name} outgoing`),
        incoming: delayStage(session.incoming, latency.incoming, scheduler, `${session.name} incoming`),
        close: () => session.close(),
      };
    },
  };
}

/**
 * Stages made by `withLatency`: they track their real work themselves, and
 * tracking their whole promise would make virtual time wait for itself.
 */
const latencyStages = new WeakSet<Stage>();

/** Wraps `frame`/`message` stage functions so virtual time waits for their promises. */
function trackSession(session: ExtensionSession, scheduler: AsyncTestScheduler): ExtensionSession {
  const wrap = (stage: Stage): Stage => {
    if ((stage.kind !== 'frame' && stage.kind !== 'message') || latencyStages.has(stage)) return stage;
    const process = stage.process.bind(stage) as (x: never, c: StageContext) => unknown;
    return {
      ...stage,
      process: (x: never, context: StageContext) => scheduler.runTracked(() => process(x, context)),
    } as Stage;
  };
  return { ...session, outgoing: wrap(session.outgoing), incoming: wrap(session.incoming), close: () => session.close() };
}

function delayStage(stage: Stage, latency: Latency | undefined, scheduler: AsyncTestScheduler, label: string): Stage {
  if (latency === undefined) return stage;
  if (stage.kind !== 'frame' && stage.kind !== 'message') {
    throw new TypeError(`withLatency: ${label} is a ${stage.kind} stage; give it time with rxjs operators (delay) instead`);
  }
  let index = 0;
  const process = stage.process.bind(stage) as (x: Frame | Message, c: StageContext) => unknown;
  const delayed = {
    ...stage,
    process: async (x: Frame | Message, context: StageContext) => {
      const ms = latencyOf(latency, x, index++);
      // The real work is tracked (virtual time waits for it); the latency is virtual.
      const result = await scheduler.runTracked(() => process(x, context));
      await scheduler.sleep(ms, context.signal);
      return result;
    },
  } as Stage;
  latencyStages.add(delayed);
  return delayed;
}

function latencyOf(latency: Latency, item: Frame | Message, index: number): number {
  if (typeof latency === 'number') return latency;
  if (typeof latency === 'function') return latency(item, index);
  const ms = latency[index];
  if (ms === undefined) throw new RangeError(`withLatency: no latency given for item ${index} (list has ${latency.length})`);
  return ms;
}
