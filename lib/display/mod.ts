/**
 * Showing things in a notebook: the `Symbol.for("Jupyter.display")` protocol Deno's Jupyter
 * kernel uses ({@linkcode JUPYTER_DISPLAY}), a run's card ({@linkcode runCardHtml}), a table of
 * runs ({@linkcode runsTableHtml}), a progress bar updated in place ({@linkcode progress}), and
 * the formatting they share. Nothing here needs the kernel: the same code runs under `deno test`
 * and in scripts, where the text forms are used.
 *
 * @example A run's card, a runs table and a progress bar
 * ```ts
 * import {
 *   type HtmlBundle,
 *   JUPYTER_DISPLAY,
 *   progress,
 *   runCardHtml,
 *   runsTableHtml,
 * } from "./mod.ts";
 * import type { RunData, RunInfo } from "../tracking/entities.ts";
 * import assert from "node:assert/strict";
 *
 * const runs = [1, 5].map((k) => ({
 *   info: {
 *     runId: String(k).padStart(32, "0"), experimentId: "0", runName: `knn-${k}`, userId: "me",
 *     status: "FINISHED", startTime: 0, endTime: 2000, artifactUri: "", lifecycleStage: "active",
 *   } satisfies RunInfo,
 *   data: { params: { n_neighbors: String(k) }, metrics: { test_accuracy: 0.9 }, tags: {} } satisfies RunData,
 * }));
 * // An object with a method under JUPYTER_DISPLAY shows as its bundle when a cell ends with it.
 * const card = { [JUPYTER_DISPLAY]: (): HtmlBundle => ({
 *   "text/html": runCardHtml(runs[0]!.info, runs[0]!.data),
 *   "text/plain": runs[0]!.info.runName,
 * }) };
 * assert.match(card[JUPYTER_DISPLAY]()["text/html"], /<b>knn-1<\/b>/);
 * const table = runsTableHtml(runs); // only the n_neighbors column differs between the two runs
 * assert.match(table, /params\.n_neighbors/);
 * assert.doesNotMatch(table, /metrics\.test_accuracy/);
 *
 * const lines: string[] = [];
 * const bar = progress(runs.length, { label: "runs", write: (s) => lines.push(s), now: () => 0 });
 * for (const run of runs) bar.tick(1, { run: run.info.runName });
 * await bar.done();
 * assert.equal(lines.at(-1), "runs [########################] 2/2 100% 0.0s run=knn-5\n");
 * ```
 *
 * @module
 */

export {
  DENO_INSPECT,
  type DisplayFn,
  type DisplayOptions,
  type HtmlBundle,
  inJupyter,
  JUPYTER_DISPLAY,
  jupyterDisplay,
} from "./jupyter.ts";
export { escapeHtml, formatMetric, formatTime } from "./format.ts";
export { runCardHtml } from "./run_card.ts";
export { runsTableHtml, type RunsTableOptions } from "./runs_table.ts";
export { type Progress, progress, type ProgressExtra, type ProgressOptions } from "./progress.ts";
