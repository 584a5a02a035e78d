// The benchmark harness itself: the numbers it reports must follow from the
// work it measured, and the table must compare the right rows.
import { describe, expect, it } from 'vitest';
import { compare, createContext, formatTable, measure, ratioOf, type BenchTable } from '../../bench/lib/index.js';

const ctx = { ...createContext(true, () => {}), budgetMs: 30, warmupMs: 5 };

describe('measure', () => {
  it('counts every operation it ran and derives the rates from them', async () => {
    let calls = 0;
    const row = await measure(ctx, 'case', 'impl', () => calls++, { bytesPerOp: 1000 });
    expect(row.ops).toBeGreaterThan(0);
    expect(calls).toBeGreaterThanOrEqual(row.ops); // warm-up calls are not counted
    expect(row.mbPerSec).toBeCloseTo((row.opsPerSec * 1000) / 1e6, 6);
    expect(row.meanMicros).toBeCloseTo(1e6 / row.opsPerSec, 6);
  });

  it('awaits asynchronous operations', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const row = await measure(ctx, 'async', 'impl', async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
    });
    expect(maxInFlight).toBe(1);
    expect(row.meanMicros).toBeGreaterThanOrEqual(900); // each op waited ~1 ms
  });

  it('reports a slower operation as slower', async () => {
    const spin = (n: number) => () => {
      let x = 0;
      for (let i = 0; i < n; i++) x += i;
      return x;
    };
    const [fast, slow] = await compare(ctx, 'spin', { fast: spin(10), slow: spin(100_000) });
    expect(fast!.opsPerSec).toBeGreaterThan(slow!.opsPerSec * 10);
  });
});

describe('formatTable', () => {
  const table: BenchTable = {
    title: 'demo',
    baseline: 'ws',
    rows: [
      { case: 'a', impl: 'wsx', opsPerSec: 300, meanMicros: 3333, ops: 3, mbPerSec: 30 },
      { case: 'a', impl: 'ws', opsPerSec: 100, meanMicros: 10000, ops: 1, mbPerSec: 10 },
      { case: 'b', impl: 'wsx', opsPerSec: 50, meanMicros: 20000, ops: 1 },
    ],
    notes: ['a note'],
  };

  it('computes ratios against the baseline row of the same case', () => {
    expect(ratioOf(table, table.rows[0]!)).toBe(3);
    expect(ratioOf(table, table.rows[1]!)).toBe(1);
    expect(ratioOf(table, table.rows[2]!)).toBeUndefined(); // no ws row for case b
  });

  it('prints aligned columns, the ratio, and the notes', () => {
    const text = formatTable(table);
    const lines = text.split('\n');
    expect(lines[0]).toBe('## demo');
    expect(text).toContain('×3.00');
    expect(text).toContain('a note');
    const header = lines[2]!;
    const wsxRow = lines.find((l) => l.startsWith('a') && l.includes('wsx'))!;
    // Right-aligned numeric columns end where their header ends.
    expect(wsxRow.indexOf('30.0') + '30.0'.length).toBe(header.indexOf('MB/s') + 'MB/s'.length);
  });
});
