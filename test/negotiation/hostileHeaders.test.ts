import { describe, expect, it } from 'vitest';
import { parseExtensionHeader } from '../../src/negotiation/headerParser.js';
import { ExtensionHeaderSyntaxError } from '../../src/negotiation/headerSyntaxError.js';

// CVE-2020-7662: faye's regex parser backtracked catastrophically on inputs
// like these. Ours scans once; 1 MB must parse or fail well within a generous
// bound even on a loaded 2-core CI machine.
const MB = 1 << 20;
const BOUND_MS = 500;

function timed(header: string): { ms: number; outcome: 'parsed' | 'syntax-error'; count: number } {
  const start = performance.now();
  let outcome: 'parsed' | 'syntax-error' = 'parsed';
  let count = 0;
  try {
    count = parseExtensionHeader(header).length;
  } catch (error) {
    if (!(error instanceof ExtensionHeaderSyntaxError)) throw error;
    expect(error.message.length).toBeLessThan(400); // the message quotes an excerpt, not 1 MB
    outcome = 'syntax-error';
  }
  return { ms: performance.now() - start, outcome, count };
}

describe('hostile 1 MB headers', () => {
  const cases: [label: string, header: string, outcome: 'parsed' | 'syntax-error'][] = [
    ['escaped backslashes, unterminated', 'a;b="' + '\\\\'.repeat(MB / 2), 'syntax-error'],
    ['escaped quotes, unterminated', 'a;b="' + '\\"'.repeat(MB / 2), 'syntax-error'],
    ['escaped token chars, terminated', 'a;b="' + '\\a'.repeat(MB / 2) + '"', 'parsed'],
    ['escaped token chars, unterminated', 'a;b="' + '\\a'.repeat(MB / 2), 'syntax-error'],
    ['long quoted token', 'a;b="' + 'x'.repeat(MB) + '"', 'parsed'],
    ['commas', 'a' + ','.repeat(MB), 'parsed'],
    ['commas then garbage', 'a' + ','.repeat(MB) + '"', 'syntax-error'],
    ['OWS run', 'a' + ' '.repeat(MB) + ';b', 'parsed'],
    ['OWS and tabs then nothing', 'a;' + ' \t'.repeat(MB / 2), 'syntax-error'],
    ['OWS before = then nothing', 'a;b' + ' '.repeat(MB) + '=', 'syntax-error'],
    ['many params', 'a' + '; b=1'.repeat(MB / 5), 'parsed'],
    ['many extensions', 'x, '.repeat(MB / 3) + 'x', 'parsed'],
    ['faye ReDoS shape', 'a' + ';b'.repeat(MB / 4) + ' '.repeat(MB / 2) + '!', 'syntax-error'],
    ['long token then bad char', 'a'.repeat(MB) + '\u0000', 'syntax-error'],
    ['quoted string with CR', 'a;b="' + 'x'.repeat(MB) + '\r"', 'syntax-error'],
  ];
  it.each(cases)('%s', (_label, header, outcome) => {
    expect(header.length).toBeGreaterThanOrEqual(MB - 8);
    timed('a;b=1'); // warm up the code path
    // Best of two: a GC pause or a neighbour process must not fail the test;
    // super-linear behaviour would take seconds every time.
    const first = timed(header);
    const second = timed(header);
    expect(first.outcome).toBe(outcome);
    expect(second.outcome).toBe(outcome);
    expect(Math.min(first.ms, second.ms)).toBeLessThan(BOUND_MS);
  });

  it('scales linearly: 4x the input takes far less than 16x the time', () => {
    const shape = (n: number) => 'a;b="' + '\\a'.repeat(n);
    const best = (header: string) => Math.min(...[0, 1, 2].map(() => timed(header).ms));
    const small = best(shape(MB / 8));
    const large = best(shape(MB / 2));
    // Quadratic behaviour would be ~16x; allow noise well below that.
    expect(large).toBeLessThan(Math.max(small * 10, 50));
  });
});
