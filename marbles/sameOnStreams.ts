/**
 * Both faces at once: an extension runs in connections as TransformStreams
 * (`createExtensionPipeline`) and in Rx code as operators (`applyExtensions`).
 * `expectSameOnStreams` runs the same input through both, in real time, from
 * fresh sessions each, and fails unless they deliver the same values and end
 * the same way (completion, or an error of the same class and close code).
 */
import { WebSocketError, isControlOpcode, type Frame, type Message } from '../src/protocol/index.js';
import { chain, runOperators, runStreams, type FaceResult, type FaceRunOptions, type SessionPair, type Sessions } from './faces.js';
import { formatValue } from './format.js';
import { toErrorMatcher, valuesEqual, type ErrorExpectation } from './match.js';
import { isMessage } from './notation.js';
import { parseValueList } from './values.js';

export interface FaceOptions extends FaceRunOptions {
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
