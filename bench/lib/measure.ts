/**
 * Time-budgeted measurement: warm up, then run the operation in batches until
 * the budget is spent, and report throughput. Batching keeps timer overhead
 * out of the figures for sub-microsecond operations; the batch size adapts so
 * each batch lasts about a hundredth of the budget.
 */
import type { BenchContext, BenchRow } from './types.js';

export interface MeasureOptions {
  /** Payload bytes one operation handles, to report MB/s. */
  readonly bytesPerOp?: number;
  readonly note?: string;
}

/** An operation: synchronous, or returning a promise that is awaited. */
export type Operation = () => unknown;

const now = () => performance.now();

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** Runs `op` `count` times; awaits only when it returns promises, so sync operations pay no await. */
async function runBatch(op: Operation, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const result = op();
    if (isPromiseLike(result)) await result;
  }
}

/** Runs `op` for `ms` milliseconds in adaptive batches; returns operations done and time taken. */
async function runFor(op: Operation, ms: number): Promise<{ ops: number; elapsed: number }> {
  const slice = Math.max(ms / 100, 1);
  let batch = 1;
  let ops = 0;
  const start = now();
  let elapsed = 0;
  do {
    const t0 = now();
    await runBatch(op, batch);
    const took = now() - t0;
    ops += batch;
    elapsed = now() - start;
    // Grow the batch towards `slice` ms, never by more than 4× at once.
    if (took < slice) batch = Math.min(batch * 4, Math.max(batch, Math.ceil((batch * slice) / Math.max(took, 0.001))));
  } while (elapsed < ms);
  return { ops, elapsed };
}

/**
 * Measures one operation under the context's time budget.
 *
 * @example
 * const row = await measure(ctx, 'parse 125 B', 'wsx', () => parser.push(bytes), { bytesPerOp: 125 });
 */
export async function measure(
  ctx: BenchContext,
  caseName: string,
  impl: string,
  op: Operation,
  options: MeasureOptions = {},
): Promise<BenchRow> {
  await runFor(op, ctx.warmupMs);
  const { ops, elapsed } = await runFor(op, ctx.budgetMs);
  const seconds = elapsed / 1000;
  const opsPerSec = ops / seconds;
  const row: BenchRow = {
    case: caseName,
    impl,
    opsPerSec,
    meanMicros: (elapsed * 1000) / ops,
    ops,
    ...(options.bytesPerOp !== undefined ? { mbPerSec: (options.bytesPerOp * opsPerSec) / 1e6 } : {}),
    ...(options.note !== undefined ? { note: options.note } : {}),
  };
  ctx.log(`  ${caseName} · ${impl}: ${row.mbPerSec !== undefined ? `${row.mbPerSec.toFixed(1)} MB/s` : `${opsPerSec.toFixed(0)} ops/s`}`);
  return row;
}

/**
 * Measures several implementations of the same case one after the other
 * (same budget each), e.g. `{ wsx: ..., ws: ... }`.
 *
 * @example
 * rows.push(...(await compare(ctx, 'serialize 1 MiB', { wsx: () => a(), ws: () => b() }, { bytesPerOp: 1 << 20 })));
 */
export async function compare(
  ctx: BenchContext,
  caseName: string,
  impls: Readonly<Record<string, Operation>>,
  options: MeasureOptions = {},
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [impl, op] of Object.entries(impls)) rows.push(await measure(ctx, caseName, impl, op, options));
  return rows;
}

/** The default context for a run: 1 s per row (quick: 50 ms) after a warm-up. */
export function createContext(quick: boolean, log: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): BenchContext {
  return quick ? { quick, budgetMs: 50, warmupMs: 20, log } : { quick, budgetMs: 1000, warmupMs: 300, log };
}
