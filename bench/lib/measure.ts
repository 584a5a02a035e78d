/**
 * Time-budgeted measurement: warm up, then run the operation in batches until
 * the budget is spent, and report throughput. Batching keeps timer overhead
 * out of the figures for sub-microsecond operations; the batch size adapts so
 * each batch lasts about a hundredth of the time slot. Implementations of one
 * case run in alternating rounds and report their median round.
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

/** Median of a non-empty list. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Timed rounds per row: implementations take turns, so a burst of load elsewhere hits all of them alike. */
const ROUNDS = 5;

/**
 * Measures several implementations of the same case, e.g. `{ wsx: ..., ws: ... }`.
 * Each is warmed up, then they run in alternating rounds (budget split
 * evenly); the reported rate is the median round's, which shrugs off a round
 * disturbed by other work on the machine.
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
  const entries = Object.entries(impls);
  for (const [, op] of entries) await runFor(op, ctx.warmupMs);
  const rounds = ctx.quick ? 2 : ROUNDS;
  const rates = entries.map(() => [] as number[]);
  const totals = entries.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < entries.length; i++) {
      const { ops, elapsed } = await runFor(entries[i]![1], ctx.budgetMs / rounds);
      rates[i]!.push(ops / (elapsed / 1000));
      totals[i]! += ops;
    }
  }
  return entries.map(([impl], i) => {
    const opsPerSec = median(rates[i]!);
    const row: BenchRow = {
      case: caseName,
      impl,
      opsPerSec,
      meanMicros: 1e6 / opsPerSec,
      ops: totals[i]!,
      ...(options.bytesPerOp !== undefined ? { mbPerSec: (options.bytesPerOp * opsPerSec) / 1e6 } : {}),
      ...(options.note !== undefined ? { note: options.note } : {}),
    };
    ctx.log(`  ${caseName} · ${impl}: ${row.mbPerSec !== undefined ? `${row.mbPerSec.toFixed(1)} MB/s` : `${opsPerSec.toFixed(0)} ops/s`}`);
    return row;
  });
}

/**
 * Measures one operation under the context's time budget (see `compare`).
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
  const [row] = await compare(ctx, caseName, { [impl]: op }, options);
  return row!;
}

/** The default context for a run: 1 s per row (quick: 50 ms) after a warm-up. */
export function createContext(quick: boolean, log: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): BenchContext {
  return quick ? { quick, budgetMs: 50, warmupMs: 20, log } : { quick, budgetMs: 1000, warmupMs: 300, log };
}
