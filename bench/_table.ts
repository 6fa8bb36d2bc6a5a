/**
 * Shared shape of benchmark results: each benchmark returns rows that `bench/run.ts` prints as a
 * Markdown table and writes to `bench/results/`.
 *
 * @module
 */

/** One measured case, ours against the reference, in the same run on the same machine. */
export interface BenchRow {
  /** What was measured, e.g. "20,000 logMetric calls". */
  case: string;
  /** The reference implementation's name, e.g. "Python MLflow 3.17.2". */
  reference: string;
  /** Reference time in milliseconds (median of the repeats). */
  referenceMs: number;
  /** This project's implementation's name. */
  ours: string;
  /** Our time in milliseconds (median of the repeats). */
  oursMs: number;
  /** Anything worth saying next to the numbers (e.g. "identical results"). */
  note?: string;
}

/** Median of a non-empty list of numbers. */
export function median(values: number[]): number {
  if (values.length === 0) throw new RangeError("Cannot take the median: no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Times `fn` `repeats` times and returns the median wall time in milliseconds. */
export async function timeMs(fn: () => unknown | Promise<unknown>, repeats = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function fmtMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms).toLocaleString("en-US")} ms` : `${ms.toFixed(1)} ms`;
}

/** Renders rows as a Markdown table with the speed-up (reference time / our time). */
export function toMarkdown(rows: BenchRow[]): string {
  const lines = [
    "| case | reference | reference time | ours | our time | speed-up | note |",
    "| --- | --- | ---: | --- | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    const ratio = r.referenceMs / r.oursMs;
    lines.push(
      `| ${r.case} | ${r.reference} | ${fmtMs(r.referenceMs)} | ${r.ours} | ${fmtMs(r.oursMs)} | ${
        ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)
      }× | ${r.note ?? ""} |`,
    );
  }
  return lines.join("\n");
}
