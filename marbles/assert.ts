/**
 * The comparison behind every `toBe`: records match when they happen at the
 * same virtual frames with equal values (see `match.ts`). On mismatch the
 * error shows both diagrams aligned, a legend of values, the errors side by
 * side and the first frame where they part.
 */
import type { TestMessage } from 'rxjs/internal/testing/TestMessage';
import { renderDiagram, ValueNamer } from './diagram.js';
import { formatValue } from './format.js';
import { ValueMatcher, valuesEqual } from './match.js';

/** A marble expectation that did not hold; the message holds both diagrams. */
export class MarbleMismatchError extends Error {
  readonly expectedDiagram: string;
  readonly actualDiagram: string;
  constructor(message: string, expectedDiagram: string, actualDiagram: string) {
    super(message);
    this.name = 'MarbleMismatchError';
    this.expectedDiagram = expectedDiagram;
    this.actualDiagram = actualDiagram;
  }
}

/** Whether two notification records are the same event at the same frame. */
export function recordsEqual(expected: TestMessage, actual: TestMessage): boolean {
  if (expected.frame !== actual.frame) return false;
  const e = expected.notification;
  const a = actual.notification;
  if (e.kind !== a.kind) return false;
  if (e.kind === 'N') return valuesEqual(e.value, (a as typeof e).value);
  if (e.kind === 'E') return errorMatches(e.error, (a as typeof e).error);
  return true;
}

/** `#` written without an error value matches any error (rxjs puts the string 'error' there). */
function errorMatches(expected: unknown, actual: unknown): boolean {
  if (expected === 'error') return true;
  if (expected instanceof ValueMatcher) return expected.matches(actual);
  return valuesEqual(expected, actual);
}

/**
 * Throws `MarbleMismatchError` unless `actual` equals `expected`.
 * `hints` maps expected value objects to the letters the test used for them.
 */
export function assertRecords(
  actual: readonly TestMessage[],
  expected: readonly TestMessage[],
  hints: ReadonlyMap<unknown, string> = new Map(),
): void {
  const same = actual.length === expected.length && expected.every((e, i) => recordsEqual(e, actual[i]!));
  if (same) return;
  throw mismatch(actual, expected, hints);
}

function mismatch(actual: readonly TestMessage[], expected: readonly TestMessage[], hints: ReadonlyMap<unknown, string>): MarbleMismatchError {
  const namer = new ValueNamer(valuesEqual, hints);
  const expectedDiagram = renderDiagram(expected, (v) => namer.name(v, 'expected'));
  const actualDiagram = renderDiagram(actual, (v) => namer.name(v, 'actual'));
  const lines = ['marble diagrams differ', `  expected  ${expectedDiagram}`, `  actual    ${actualDiagram}`];
  const legend = namer.legend();
  if (legend.length > 0) lines.push('  where', ...legend.map((l) => `    ${l}`));
  const expectedError = expected.find((r) => r.notification.kind === 'E');
  const actualError = actual.find((r) => r.notification.kind === 'E');
  if (expectedError || actualError) {
    lines.push(`  # expected  ${describeError(expectedError)}`, `  # actual    ${describeError(actualError)}`);
  }
  lines.push(`  ${firstDifference(actual, expected)}`);
  return new MarbleMismatchError(lines.join('\n'), expectedDiagram, actualDiagram);
}

function describeError(record: TestMessage | undefined): string {
  if (!record) return '(none)';
  const error = (record.notification as { error: unknown }).error;
  return error === 'error' ? 'any error' : `${formatValue(error)} at frame ${record.frame}`;
}

function firstDifference(actual: readonly TestMessage[], expected: readonly TestMessage[]): string {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e && a && recordsEqual(e, a)) continue;
    return `first difference: expected ${describeRecord(e)}, actual ${describeRecord(a)}`;
  }
  return 'no difference found';
}

function describeRecord(record: TestMessage | undefined): string {
  if (!record) return 'nothing more';
  const n = record.notification;
  const what = n.kind === 'C' ? 'complete' : n.kind === 'E' ? `error ${describeError(record).replace(/ at frame \d+$/, '')}` : formatValue(n.value);
  return `${what} at frame ${record.frame}`;
}
