/**
 * The shapes every benchmark shares. A `bench/*.bench.ts` file exports
 * `default async (ctx: BenchContext) => BenchTable`; `bench/run.ts` finds,
 * runs, prints and (with `--json`) saves them.
 */

/** What the runner passes to each benchmark. */
export interface BenchContext {
  /** `--quick`: a short smoke run (tiny time budgets), for CI and for checking a benchmark works. */
  readonly quick: boolean;
  /** Time measured per row, in milliseconds (after warm-up). */
  readonly budgetMs: number;
  /** Warm-up time per row, in milliseconds (lets the JIT settle; not measured). */
  readonly warmupMs: number;
  /** Progress output (stderr), so tables on stdout stay clean. */
  log(message: string): void;
}

/** One measured operation: one implementation on one case. */
export interface BenchRow {
  /** What is measured, e.g. `parse 64 KiB masked`; rows with the same case are compared. */
  readonly case: string;
  /** Who does it, e.g. `wsx`, `ws`, `node:zlib`. */
  readonly impl: string;
  /** Operations per second. */
  readonly opsPerSec: number;
  /** Mean time per operation in microseconds. */
  readonly meanMicros: number;
  /** Payload throughput in MB/s (10^6 bytes), when the operation has a byte size. */
  readonly mbPerSec?: number;
  /** Operations timed (after warm-up). */
  readonly ops: number;
  /** Free-form remark shown in the table (e.g. "native mask"). */
  readonly note?: string;
}

/** The result of one benchmark file: rows compared case by case against `baseline`. */
export interface BenchTable {
  readonly title: string;
  /** `impl` the ratio column is computed against (ratio = opsPerSec / baseline's opsPerSec for the same case). */
  readonly baseline?: string;
  readonly rows: readonly BenchRow[];
  /** Lines printed under the table: what was measured, caveats. */
  readonly notes?: readonly string[];
}
