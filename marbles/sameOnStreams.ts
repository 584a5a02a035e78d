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
import { fragmentMessage } from '../src/protocol/index.js';
import { assembleMessages } from './assembleMessages.js';
import { formatValue } from './format.js';
import { toErrorMatcher, valuesEqual, type ErrorExpectation } from './match.js';
import { isMessage } from './notation.js';
import { parseValueList } from './values.js';

export interface FaceOptions {
  /** Fresh sessions for each run (sessions are stateful), e.g. `() => handshake(c, s).client`. */
  readonly sessions: () => ExtensionSession | readonly ExtensionSession[] | Promise<ExtensionSession | readonly ExtensionSession[]>;
  /** `send`: application messages/frames → wire frames; `receive`: wire frames → delivered messages. */
  readonly direction: 'send' | 'receive';
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
  const viaOperators = await runOperators(list(await options.sessions()), input, options);
  const viaStreams = await runStreams(list(await options.sessions()), input, options);
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

async function runOperators(sessions: ExtensionSession[], input: (Frame | Message)[], options: FaceOptions): Promise<FaceResult> {
  const { outgoing, incoming } = applyExtensions(sessions);
  const frames = from(input).pipe(concatMap((v) => (isMessage(v) ? from(fragmentMessage(v, options.maxFramePayload)) : of(v))));
  const out: Observable<Frame | Message> =
    options.direction === 'send' ? frames.pipe(outgoing) : frames.pipe(incoming, assembleMessages(options.maxMessageSize));
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
  await Promise.allSettled(sessions.map(async (s) => s.close()));
  return { values, error };
}

async function runStreams(sessions: ExtensionSession[], input: (Frame | Message)[], options: FaceOptions): Promise<FaceResult> {
  const pipeline = createExtensionPipeline(sessions);
  const used = options.direction === 'send' ? pipeline.outgoing : pipeline.incoming;
  const unused = options.direction === 'send' ? pipeline.incoming : pipeline.outgoing;
  let readable: ReadableStream<Frame | Message> = arrayStream(input)
    .pipeThrough(messageFragmenter(options.maxFramePayload === undefined ? {} : { maxFramePayload: options.maxFramePayload }))
    .pipeThrough(used);
  if (options.direction === 'receive') {
    readable = (readable as ReadableStream<Frame>).pipeThrough(
      messageAssembler(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }),
    );
  }
  const values: (Frame | Message)[] = [];
  let error: unknown;
  const reader = readable.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) values.push(r.value);
  } catch (e) {
    error = e;
  }
  // End the direction we did not use, so the pipeline can close every session.
  await unused.writable.close().catch(() => undefined);
  await unused.readable.cancel().catch(() => undefined);
  await pipeline.close().catch(() => undefined);
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

function list(sessions: ExtensionSession | readonly ExtensionSession[]): ExtensionSession[] {
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
