/**
 * Both faces at once: an extension runs in connections as TransformStreams
 * (`createExtensionPipeline`) and in Rx code as operators (`applyExtensions`).
 * `expectSameOnStreams` runs the same input through both, in real time, from
 * fresh sessions each, and fails unless they deliver the same values and end
 * the same way (completion, or an error of the same class and close code).
 */
import { from, concatMap, of, type Observable } from 'rxjs';
import { applyExtensions } from '../src/operators/index.js';
import { createExtensionPipeline, messageAssembler, messageFragmenter } from '../src/streams/index.js';
import { WebSocketError, type ExtensionSession, type Frame, type Message } from '../src/protocol/index.js';
import { fragmentMessage, isControlOpcode } from '../src/protocol/index.js';
import { assembleMessages } from './assembleMessages.js';
import { formatValue } from './format.js';
import { toErrorMatcher, valuesEqual, type ErrorExpectation } from './match.js';
import { isMessage } from './notation.js';
import { parseValueList } from './values.js';

type Sessions = ExtensionSession | readonly ExtensionSession[];
/** Both ends of one handshake, for `round-trip`. */
export interface SessionPair {
  readonly send: Sessions;
  readonly receive: Sessions;
}

export interface FaceOptions {
  /**
   * Fresh sessions for each run (sessions are stateful), e.g.
   * `() => handshake(c, s).client`; for `round-trip` a pair from one handshake:
   * `() => { const h = handshake(c, s); return { send: h.client, receive: h.server }; }`.
   */
  readonly sessions: () => Sessions | SessionPair | Promise<Sessions | SessionPair>;
  /**
   * `send`: application messages/frames → wire frames; `receive`: wire frames
   * → delivered messages; `round-trip`: messages → one side's outgoing stages
   * → the peer's incoming stages → delivered messages (for extensions whose
   * wire bytes differ per handshake, like encryption with fresh keys).
   */
  readonly direction: 'send' | 'receive' | 'round-trip';
  /** Input values, in the notation or as objects. */
  readonly input: readonly unknown[];
  readonly maxFramePayload?: number;
  readonly maxMessageSize?: number;
  /** If given, both faces must also deliver exactly these values… */
  readonly expected?: readonly unknown[];
  /** …and end with this error (default: complete). */
  readonly expectedError?: ErrorExpectation;
}

/** What one face delivered. */
export interface FaceResult {
  readonly values: readonly (Frame | Message)[];
  /** The error the run ended with, `undefined` when it completed. */
  readonly error: unknown;
}

/** The two faces disagree, or differ from `expected`; the message lists both. */
export class FaceMismatchError extends Error {
  override name = 'FaceMismatchError';
}

/**
 * @example
 * await expectSameOnStreams({
 *   sessions: () => handshake([crc32Client], [crc32Server]).client,
 *   direction: 'send',
 *   input: ['t"hello"', 'b<00 01>'],
 *   expected: ['T3<…>', 'B3<…>'],
 * });
 */
export async function expectSameOnStreams(options: FaceOptions): Promise<FaceResult> {
  const input = parseValueList(options.input) as (Frame | Message)[];
  if (input.some((v) => !isMessage(v) && isControlOpcode(v.opcode))) {
    // In a connection control frames never enter the extension pipeline; where
    // they would come out relative to data depends on timing. Test them with runMarbles.
    throw new TypeError('expectSameOnStreams: control frames bypass extensions; leave them out of the input');
  }
  const viaOperators = await runOperators(chain(await options.sessions(), options.direction), input, options);
  const viaStreams = await runStreams(chain(await options.sessions(), options.direction), input, options);
  if (!sameResult(viaOperators, viaStreams)) {
    throw new FaceMismatchError(
      ['operator and stream faces differ', `  operators  ${describe(viaOperators)}`, `  streams    ${describe(viaStreams)}`].join('\n'),
    );
  }
  if (options.expected !== undefined || options.expectedError !== undefined) {
    const expected = parseValueList(options.expected ?? []);
    const matcher = toErrorMatcher(options.expectedError);
    const valuesOk = expected.length === viaStreams.values.length && expected.every((e, i) => valuesEqual(e, viaStreams.values[i]));
    const endOk = matcher ? matcher.matches(viaStreams.error) : viaStreams.error === undefined;
    if (!valuesOk || !endOk) {
      const want = expected.map(formatValue).concat(matcher ? [`# ${matcher.describe()}`] : ['|']).join(', ');
      throw new FaceMismatchError(['both faces agree, but not with the expectation', `  expected   ${want}`, `  actual     ${describe(viaStreams)}`].join('\n'));
    }
  }
  return viaStreams;
}

/** Which sessions run which direction: outgoing stages of `send`, then incoming stages of `receive`. */
interface Chain {
  readonly send?: ExtensionSession[];
  readonly receive?: ExtensionSession[];
}

function chain(sessions: Sessions | SessionPair, direction: FaceOptions['direction']): Chain {
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

async function runOperators(chain: Chain, input: (Frame | Message)[], options: FaceOptions): Promise<FaceResult> {
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

async function runStreams(chain: Chain, input: (Frame | Message)[], options: FaceOptions): Promise<FaceResult> {
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

function sameResult(a: FaceResult, b: FaceResult): boolean {
  if (a.values.length !== b.values.length || !a.values.every((v, i) => valuesEqual(v, b.values[i]))) return false;
  if ((a.error === undefined) !== (b.error === undefined)) return false;
  if (a.error === undefined) return true;
  const code = (e: unknown) => (e instanceof WebSocketError ? e.closeCode : undefined);
  return (a.error as object).constructor === (b.error as object).constructor && code(a.error) === code(b.error);
}

function describe(result: FaceResult): string {
  const end = result.error === undefined ? '|' : `# ${formatValue(result.error)}`;
  return [...result.values.map(formatValue), end].join(', ');
}
