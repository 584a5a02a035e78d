/**
 * Equality for marble values. Frames and messages compare field by field and
 * byte by byte; errors compare through an `ErrorMatcher` (class + close code,
 * optionally message), because a test should pin down *which* failure and
 * *which* close code, not the exact wording of an error string.
 */
import { WebSocketError } from '../src/protocol/index.js';
import { formatError } from './format.js';
import { isFrame, isMessage } from './notation.js';

type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * A value that decides equality itself: put one in a value map (or as the
 * error of `#`) to match loosely, e.g. by class and close code, or a
 * negotiation outcome by extension names.
 */
export abstract class ValueMatcher {
  abstract matches(actual: unknown): boolean;
  /** How the matcher is shown in failure diagrams. */
  abstract describe(): string;
}

/** Matches an error by class (`instanceof`), close code and/or message. */
export class ErrorMatcher extends ValueMatcher {
  constructor(
    readonly type: ErrorClass | undefined,
    readonly closeCode: number | undefined,
    readonly message: string | RegExp | undefined,
  ) {
    super();
  }

  matches(actual: unknown): boolean {
    if (!(actual instanceof Error)) return false;
    if (this.type && !(actual instanceof this.type)) return false;
    if (this.closeCode !== undefined) {
      if (!(actual instanceof WebSocketError) || actual.closeCode !== this.closeCode) return false;
    }
    if (typeof this.message === 'string' && !actual.message.includes(this.message)) return false;
    if (this.message instanceof RegExp && !this.message.test(actual.message)) return false;
    return true;
  }

  describe(): string {
    // A close code implies a WebSocketError even when no class was named.
    const name = this.type?.name ?? (this.closeCode === undefined ? 'Error' : 'WebSocketError');
    const code = this.closeCode === undefined ? '' : `(${this.closeCode})`;
    const msg = this.message === undefined ? '' : ` ${this.message instanceof RegExp ? this.message : JSON.stringify(this.message)}`;
    return `${name}${code}${msg}`;
  }
}

/** What a test may write for an expected error. */
export type ErrorExpectation = ErrorMatcher | ErrorClass | number | Error | { type?: ErrorClass; closeCode?: number; message?: string | RegExp };

/**
 * An expected error: `closeWith(1010)`, `closeWith(ExtensionError)`,
 * `closeWith(ExtensionError, 1010)`, `closeWith(InvalidDataError, 1007, /crc/)`.
 * @example
 * expectObservable(out$).toBe('a-#', { a: 'T"x"' }, closeWith(InvalidDataError, 1007));
 */
export function closeWith(typeOrCode: ErrorClass | number, closeCode?: number, message?: string | RegExp): ErrorMatcher {
  return typeof typeOrCode === 'number'
    ? new ErrorMatcher(undefined, typeOrCode, message)
    : new ErrorMatcher(typeOrCode, closeCode, message);
}

/** Normalises whatever a test passed as the error of `#` into a matcher. */
export function toErrorMatcher(expected: ErrorExpectation | undefined): ErrorMatcher | undefined {
  if (expected === undefined) return undefined;
  if (expected instanceof ErrorMatcher) return expected;
  if (typeof expected === 'number') return new ErrorMatcher(undefined, expected, undefined);
  if (typeof expected === 'function') return new ErrorMatcher(expected, undefined, undefined);
  if (expected instanceof Error) {
    const code = expected instanceof WebSocketError ? expected.closeCode : undefined;
    return new ErrorMatcher(expected.constructor as ErrorClass, code, expected.message);
  }
  return new ErrorMatcher(expected.type, expected.closeCode, expected.message);
}

/** Whether an actual marble value equals an expected one (matchers and nested values allowed). */
export function valuesEqual(expected: unknown, actual: unknown): boolean {
  if (expected instanceof ValueMatcher) return expected.matches(actual);
  if (expected === actual) return true;
  if (isFrame(expected) || isFrame(actual)) {
    if (!isFrame(expected) || !isFrame(actual)) return false;
    return (
      expected.opcode === actual.opcode &&
      expected.fin === actual.fin &&
      sameRsv(expected, actual) &&
      bytesEqual(expected.payload, actual.payload)
    );
  }
  if (isMessage(expected) || isMessage(actual)) {
    if (!isMessage(expected) || !isMessage(actual)) return false;
    return expected.opcode === actual.opcode && sameRsv(expected, actual) && bytesEqual(expected.data, actual.data);
  }
  if (expected instanceof Error || actual instanceof Error) {
    if (!(expected instanceof Error) || !(actual instanceof Error)) return false;
    return formatError(expected) === formatError(actual) && expected.constructor === actual.constructor;
  }
  if (expected instanceof Uint8Array || actual instanceof Uint8Array) {
    return expected instanceof Uint8Array && actual instanceof Uint8Array && bytesEqual(expected, actual);
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual) || expected.length !== actual.length) return false;
    return expected.every((e, i) => valuesEqual(e, actual[i]));
  }
  if (typeof expected === 'object' && typeof actual === 'object' && expected !== null && actual !== null) {
    if (Object.getPrototypeOf(expected) !== Object.getPrototypeOf(actual)) return false;
    const keys = Object.keys(expected);
    if (keys.length !== Object.keys(actual).length) return false;
    return keys.every((k) => k in actual && valuesEqual((expected as never)[k], (actual as never)[k]));
  }
  return Number.isNaN(expected) && Number.isNaN(actual);
}

function sameRsv(a: { rsv1: boolean; rsv2: boolean; rsv3: boolean }, b: typeof a): boolean {
  return a.rsv1 === b.rsv1 && a.rsv2 === b.rsv2 && a.rsv3 === b.rsv3;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
