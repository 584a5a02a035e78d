/**
 * The two faces an extension pipeline has — Rx operators (`applyExtensions`)
 * and TransformStreams (`createExtensionPipeline`) — each run once over an
 * input list in real time, collecting what comes out and how it ends.
 * `expectSameOnStreams` compares the two.
 */
import { from, concatMap, of, type Observable } from 'rxjs';
import { applyExtensions } from '../src/operators/index.js';
import { createExtensionPipeline, messageAssembler, messageFragmenter } from '../src/streams/index.js';
import { fragmentMessage, type ExtensionSession, type Frame, type Message } from '../src/protocol/index.js';
import { assembleMessages } from './assembleMessages.js';
import { isMessage } from './notation.js';

export type Sessions = ExtensionSession | readonly ExtensionSession[];

/** Both ends of one handshake, for `round-trip`. */
export interface SessionPair {
  readonly send: Sessions;
  readonly receive: Sessions;
}

export interface FaceRunOptions {
  readonly direction: 'send' | 'receive' | 'round-trip';
  readonly maxFramePayload?: number;
  readonly maxMessageSize?: number;
}

/** What one face delivered. */
export interface FaceResult {
  readonly values: readonly (Frame | Message)[];
  /** The error the run ended with, `undefined` when it completed. */
  readonly error: unknown;
}

/** Which sessions run which direction: outgoing stages of `send`, then incoming stages of `receive`. */
export interface Chain {
  readonly send?: ExtensionSession[];
  readonly receive?: ExtensionSession[];
}

export function chain(sessions: Sessions | SessionPair, direction: FaceRunOptions['direction']): Chain {
  if (direction === 'round-trip') {
    if (!isPair(sessions)) throw new TypeError('round-trip needs sessions() to return { send, receive }');
    return { send: list(sessions.send), receive: list(sessions.receive) };
  }
  if (isPair(sessions)) throw new TypeError(`${direction} needs sessions() to return sessions, not a pair`);
  return direction === 'send' ? { send: list(sessions) } : { receive: list(sessions) };
}

function isPair(value: Sessions | SessionPair): value is SessionPair {
  return !Array.isArray(value) && 'send' in value && 'receive' in value && !('outgoing' in value);
}

export async function runOperators(chain: Chain, input: (Frame | Message)[], options: FaceRunOptions): Promise<FaceResult> {
  let frames: Observable<Frame> = from(input).pipe(
    concatMap((v) => (isMessage(v) ? from(fragmentMessage(v, options.maxFramePayload)) : of(v))),
  );
  if (chain.send) frames = frames.pipe(applyExtensions(chain.send).outgoing);
  if (chain.receive) frames = frames.pipe(applyExtensions(chain.receive).incoming);
  const out: Observable<Frame | Message> = chain.receive ? frames.pipe(assembleMessages(options.maxMessageSize)) : frames;
  const values: (Frame | Message)[] = [];
  let error: unknown;
  await new Promise<void>((resolve) =>
    out.subscribe({
      next: (v) => values.push(v),
      error: (e: unknown) => {
        error = e;
        resolve();
      },
      complete: () => resolve(),
    }),
  );
  await Promise.allSettled([...(chain.send ?? []), ...(chain.receive ?? [])].map(async (s) => s.close()));
  return { values, error };
}

export async function runStreams(chain: Chain, input: (Frame | Message)[], options: FaceRunOptions): Promise<FaceResult> {
  const sender = chain.send && createExtensionPipeline(chain.send);
  const receiver = chain.receive && createExtensionPipeline(chain.receive);
  let frames: ReadableStream<Frame> = arrayStream(input).pipeThrough(
    messageFragmenter(options.maxFramePayload === undefined ? {} : { maxFramePayload: options.maxFramePayload }),
  );
  if (sender) frames = frames.pipeThrough(sender.outgoing);
  if (receiver) frames = frames.pipeThrough(receiver.incoming);
  const readable: ReadableStream<Frame | Message> = receiver
    ? frames.pipeThrough(messageAssembler(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }))
    : frames;
  const values: (Frame | Message)[] = [];
  let error: unknown;
  const reader = readable.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) values.push(r.value);
  } catch (e) {
    error = e;
  }
  // End the directions we did not use, so each pipeline can close its sessions.
  for (const unused of [sender?.incoming, receiver?.outgoing]) {
    if (!unused) continue;
    await unused.writable.close().catch(() => undefined);
    await unused.readable.cancel().catch(() => undefined);
  }
  await Promise.all([sender?.close().catch(() => undefined), receiver?.close().catch(() => undefined)]);
  return { values, error };
}

function arrayStream<T>(items: readonly T[]): ReadableStream<T> {
  let i = 0;
  return new ReadableStream<T>({
    pull(controller) {
      if (i < items.length) controller.enqueue(items[i++]!);
      else controller.close();
    },
  });
}

function list(sessions: Sessions): ExtensionSession[] {
  return Array.isArray(sessions) ? [...(sessions as readonly ExtensionSession[])] : [sessions as ExtensionSession];
}

