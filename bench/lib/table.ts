/**
 * Renders a `BenchTable` as an aligned text table with a ratio column: each
 * row against the baseline implementation's row of the same case, so "×2.00"
 * means twice as many operations per second as the baseline.
 */
import type { BenchRow, BenchTable } from './types.js';

/** Ratio of `row` to the baseline row of its case, or undefined without one. */
export function ratioOf(table: BenchTable, row: BenchRow): number | undefined {
  if (table.baseline === undefined) return undefined;
  const base = table.rows.find((r) => r.case === row.case && r.impl === table.baseline);
  return base === undefined || base.opsPerSec === 0 ? undefined : row.opsPerSec / base.opsPerSec;
}

function formatNumber(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * @example
 * console.log(formatTable({ title: 'frames', baseline: 'ws', rows }));
 */
export function formatTable(table: BenchTable): string {
  const showRatio = table.baseline !== undefined;
  const header = ['case', 'impl', 'MB/s', 'ops/s', 'µs/op', ...(showRatio ? [`vs ${table.baseline}`] : []), 'note'];
  const body = table.rows.map((row) => {
    const ratio = ratioOf(table, row);
    return [
      row.case,
      row.impl,
      row.mbPerSec === undefined ? '-' : formatNumber(row.mbPerSec),
      formatNumber(row.opsPerSec),
      formatNumber(row.meanMicros),
      ...(showRatio ? [ratio === undefined ? '-' : `×${ratio.toFixed(2)}`] : []),
      row.note ?? '',
    ];
  });
  const numeric = new Set(['MB/s', 'ops/s', 'µs/op', `vs ${table.baseline}`]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric.has(header[i]!) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [`## ${table.title}`, '', line(header), line(widths.map((w) => '-'.repeat(w)))];
  let previousCase: string | undefined;
  for (let i = 0; i < body.length; i++) {
    // A blank line between cases keeps the compared rows visually together.
    if (previousCase !== undefined && table.rows[i]!.case !== previousCase) out.push('');
    previousCase = table.rows[i]!.case;
    out.push(line(body[i]!));
  }
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}
