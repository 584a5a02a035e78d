import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TestScheduler } from 'rxjs/testing';
import type { TestMessage } from 'rxjs/internal/testing/TestMessage';
import { renderDiagram } from '../diagram.js';
import { assertRecords, MarbleMismatchError } from '../assert.js';
import { frame } from '../notation.js';
import { closeWith } from '../match.js';
import { ExtensionError, InvalidDataError } from '../../src/protocol/index.js';

/** Parses a diagram the way run mode does, with the letters themselves as values. */
function parse(marbles: string, values?: Record<string, unknown>, error?: unknown): TestMessage[] {
  return TestScheduler.parseMarbles(marbles, values, error, true, true);
}
const byLetter = (v: unknown) => String(v);

// The kit always runs in run mode: one frame per character.
let savedFactor = TestScheduler.frameTimeFactor;
beforeAll(() => {
  savedFactor = TestScheduler.frameTimeFactor;
  TestScheduler.frameTimeFactor = 1;
});
afterAll(() => {
  TestScheduler.frameTimeFactor = savedFactor;
});

describe('renderDiagram', () => {
  it('renders what run mode parses', () => {
    for (const diagram of ['a-b-|', '--a--(bc)-d|', '(ab|)', '#', 'a 20ms b', '-----------------a|', '']) {
      const records = parse(diagram);
      expect(parse(renderDiagram(records, byLetter))).toEqual(records);
    }
    expect(renderDiagram(parse('a 20ms b'), byLetter)).toBe('a 20ms b');
    expect(renderDiagram(parse('a---b|'), byLetter)).toBe('a---b|');
  });

  it('round-trips random diagrams (property)', () => {
    const token = fc.oneof(
      fc.constantFrom('-', '--', 'a', 'b', 'c'),
      fc.constantFrom('(ab)', '(abc)', ' 15ms ', ' 40ms '),
    );
    const diagram = fc.tuple(fc.array(token, { maxLength: 12 }), fc.constantFrom('', '|', '#')).map(([t, end]) => t.join('') + end);
    fc.assert(
      fc.property(diagram, (d) => {
        const records = parse(d);
        expect(parse(renderDiagram(records, byLetter))).toEqual(records);
      }),
    );
  });

  it('marks an emission that a wide group hides', () => {
    const records: TestMessage[] = [
      { frame: 0, notification: { kind: 'N', value: 'a' } },
      { frame: 0, notification: { kind: 'N', value: 'b' } },
      { frame: 1, notification: { kind: 'N', value: 'c' } },
    ];
    expect(renderDiagram(records, byLetter)).toBe('(ab)⟨@1⟩c');
  });
});

describe('assertRecords', () => {
  const values = { a: frame('T"hello"'), b: frame('T1"x"') };

  it('passes equal timelines, comparing frames by content', () => {
    const expected = parse('a-b|', values);
    const actual = parse('a-b|', { a: frame('T"hello"'), b: frame('T1"x"') });
    expect(() => assertRecords(actual, expected)).not.toThrow();
  });

  it('reports a wrong value with both diagrams and a legend', () => {
    const hints = new Map<unknown, string>([[values.a, 'a'], [values.b, 'b']]);
    const expected = parse('a-b|', values);
    const actual = parse('a-c|', { a: frame('T"hello"'), c: frame('T"x"') });
    let error: unknown;
    try {
      assertRecords(actual, expected, hints);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MarbleMismatchError);
    expect((error as Error).message).toBe(
      [
        'marble diagrams differ',
        '  expected  a-b|',
        '  actual    a-c|',
        '  where',
        '    a = T"hello"',
        '    b = T1"x"   (expected only)',
        '    c = T"x"   (actual only)',
        '  first difference: expected T1"x" at frame 2, actual T"x" at frame 2',
      ].join('\n'),
    );
  });

  it('reports wrong timing', () => {
    const expected = parse('a-b|', values);
    const actual = parse('a--b|', values);
    expect(() => assertRecords(actual, expected)).toThrow(/expected  a-b\|\n  actual    a--b\|/);
    expect(() => assertRecords(actual, expected)).toThrow(/first difference: expected T1"x" at frame 2, actual T1"x" at frame 3/);
  });

  it('matches errors by class and close code, and shows both', () => {
    const expected = parse('a#', values, closeWith(ExtensionError, 1011));
    expect(() => assertRecords(parse('a#', values, new ExtensionError('boom')), expected)).not.toThrow();
    expect(() => assertRecords(parse('a#', values, new ExtensionError('boom', { closeCode: 1010 })), expected)).toThrow(
      /# expected  ExtensionError\(1011\) at frame 1\n  # actual    ExtensionError\(1010\) "boom" at frame 1/,
    );
    expect(() => assertRecords(parse('a#', values, new InvalidDataError('bad')), expected)).toThrow(/InvalidDataError\(1007\) "bad"/);
    expect(() => assertRecords(parse('a|', values), expected)).toThrow(/# actual    \(none\)/);
    // `#` without an error value accepts any error.
    expect(() => assertRecords(parse('a#', values, new InvalidDataError('bad')), parse('a#', values))).not.toThrow();
  });
});
