/**
 * Runs side by side in an HTML table, as MLflow's compare view shows them.
 *
 * @module
 */

import type { RunData, RunInfo } from "../tracking/entities.ts";
import { escapeHtml, formatMetric, formatTime, statusText } from "./format.ts";

/** Options of {@linkcode runsTableHtml}. */
export interface RunsTableOptions {
  /** Show every param and metric column, not only those that differ between runs. @default false */
  allColumns?: boolean;
  /**
   * Which runs are stale (RUNNING, but their process is gone): their status reads
   * `RUNNING (stale)`. @default none
   */
  isStale?: (run: { readonly info: RunInfo; readonly data: RunData }) => boolean;
}

/**
 * An HTML table of runs: name, status, start, then metrics and params — by default only the
 * columns whose values differ between the runs that have them, as MLflow's compare view does —
 * and a line with the number of runs.
 *
 * @example Two runs that differ in one param
 * ```ts
 * import { runsTableHtml } from "./runs_table.ts";
 * import type { RunData, RunInfo } from "../tracking/entities.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (name: string, k: string): { info: RunInfo; data: RunData } => ({
 *   info: { runId: name.padEnd(32, "0"), experimentId: "0", runName: name, userId: "me",
 *     status: "FINISHED", startTime: 0, endTime: 1, artifactUri: "", lifecycleStage: "active" },
 *   data: { params: { n_neighbors: k, weights: "uniform" }, metrics: {}, tags: {} },
 * });
 * const html = runsTableHtml([run("knn-1", "1"), run("knn-5", "5")]);
 * assert.match(html, /params\.n_neighbors/);
 * assert.doesNotMatch(html, /params\.weights/); // the same in both runs
 * assert.match(runsTableHtml([run("knn-1", "1")], { allColumns: true }), /params\.weights.*1 run</);
 * ```
 */
export function runsTableHtml(
  runs: readonly { readonly info: RunInfo; readonly data: RunData }[],
  options: RunsTableOptions = {},
): string {
  const { allColumns = false, isStale = () => false } = options;
  const keys = (pick: (data: RunData) => Record<string, unknown>) => {
    const all = [...new Set(runs.flatMap((r) => Object.keys(pick(r.data))))].sort();
    if (allColumns || runs.length < 2) return all;
    // A column earns its place when the runs that have it disagree on its value.
    return all.filter((k) =>
      new Set(runs.filter((r) => k in pick(r.data)).map((r) => String(pick(r.data)[k]))).size > 1
    );
  };
  const params = keys((data) => data.params);
  const metrics = keys((data) => data.metrics);
  const th = (s: string) =>
    `<th style="text-align:left;padding:2px 8px;white-space:nowrap">${escapeHtml(s)}</th>`;
  const td = (s: string) =>
    `<td style="text-align:left;padding:2px 8px;white-space:nowrap">${escapeHtml(s)}</td>`;
  // Metrics first, as in MLflow's runs table: they are what runs are compared on.
  const head = ["run", "status", "start"].map(th).join("") +
    metrics.map((k) => th(`metrics.${k}`)).join("") + params.map((k) => th(`params.${k}`)).join("");
  const body = runs.map((r) =>
    `<tr>${td(r.info.runName)}${td(statusText(r.info.status, isStale(r)))}${
      td(formatTime(r.info.startTime).slice(0, 16))
    }${
      metrics.map((k) => td(k in r.data.metrics ? formatMetric(r.data.metrics[k]!) : "")).join("")
    }${params.map((k) => td(r.data.params[k] ?? "")).join("")}</tr>`
  ).join("");
  return `<table class="mlflow-runs" style="border-collapse:collapse;font-size:12px">` +
    `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    `<div style="color:#666;font-size:11px">${runs.length} run${
      runs.length === 1 ? "" : "s"
    }</div>`;
}
