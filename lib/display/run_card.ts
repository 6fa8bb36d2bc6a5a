/**
 * A run as a card: its name and status, ids and times, then its params, latest metrics and user
 * tags in small tables.
 *
 * @module
 */

import type { ModelVersion, RunData, RunInfo } from "../tracking/entities.ts";
import { escapeHtml, formatMetric, formatTime, statusText } from "./format.ts";

const STATUS_COLOURS: Record<RunInfo["status"], string> = {
  RUNNING: "#1f77b4",
  SCHEDULED: "#7f7f7f",
  FINISHED: "#2ca02c",
  FAILED: "#d62728",
  KILLED: "#ff7f0e",
};

function byKey<T>(entries: [string, T][]): [string, T][] {
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function duration(info: RunInfo): string {
  if (info.endTime === null) return "running";
  const s = (info.endTime - info.startTime) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
}

function table(title: string, rows: [string, string][]): string {
  if (rows.length === 0) return "";
  const cells = rows.map(([k, v]) =>
    `<tr><td style="padding:1px 10px 1px 0;color:#555;text-align:left">${escapeHtml(k)}</td>` +
    `<td style="padding:1px 0;font-family:monospace;text-align:left">${escapeHtml(v)}</td></tr>`
  );
  return `<div style="margin-top:6px"><b>${title}</b>` +
    `<table style="border-collapse:collapse;font-size:12px">${cells.join("")}</table></div>`;
}

/**
 * A run's card as HTML: name and a status badge, then the run id, experiment id, start time and
 * duration, then tables of params, metrics (latest values, {@linkcode formatMetric}) and tags
 * (`mlflow.*` system tags left out), each sorted by key and left out when empty, and the
 * registered versions of the run's models (`modelVersions`: name, version and aliases) when
 * there are any. A stale run (`stale`: RUNNING, but its process is gone) says so next to its
 * status.
 *
 * @example A finished run
 * ```ts
 * import { runCardHtml } from "./run_card.ts";
 * import assert from "node:assert/strict";
 *
 * const html = runCardHtml(
 *   { runId: "a".repeat(32), experimentId: "0", runName: "knn-5", userId: "me", status: "FINISHED",
 *     startTime: 0, endTime: 1500, artifactUri: "file:///tmp/a", lifecycleStage: "active" },
 *   { params: { n_neighbors: "5" }, metrics: { test_accuracy: 0.93 }, tags: { "mlflow.user": "me" } },
 * );
 * assert.match(html, /<b>knn-5<\/b>/);
 * assert.match(html, /1970-01-01 00:00:00 UTC · 1\.5 s/);
 * assert.match(html, /test_accuracy<\/td><td[^>]*>0\.93</);
 * assert.doesNotMatch(html, /Tags/);
 * assert.doesNotMatch(html, /Registered/);
 * ```
 *
 * @example A run whose model is registered, version 2 named `champion`
 * ```ts
 * import { runCardHtml } from "./run_card.ts";
 * import assert from "node:assert/strict";
 *
 * const html = runCardHtml(
 *   { runId: "a".repeat(32), experimentId: "0", runName: "knn-5", userId: "me", status: "FINISHED",
 *     startTime: 0, endTime: 1500, artifactUri: "file:///tmp/a", lifecycleStage: "active" },
 *   { params: {}, metrics: {}, tags: {} },
 *   { modelVersions: [{ name: "knn", version: 2, aliases: ["champion"] }] },
 * );
 * assert.match(html, /Registered model versions/);
 * assert.match(html, /knn<\/td><td[^>]*>version 2 · @champion</);
 * ```
 */
export function runCardHtml(
  info: RunInfo,
  data: RunData,
  options: {
    stale?: boolean;
    modelVersions?: readonly Pick<ModelVersion, "name" | "version" | "aliases">[];
  } = {},
): string {
  const { stale = false, modelVersions = [] } = options;
  const userTags = Object.entries(data.tags).filter(([k]) => !k.startsWith("mlflow."));
  return `<div class="mlflow-run" style="border:1px solid #ccc;border-radius:6px;` +
    `padding:8px 12px;max-width:640px;font-family:sans-serif">` +
    `<div style="font-size:15px"><b>${escapeHtml(info.runName)}</b> ` +
    `<span style="color:#fff;background:${STATUS_COLOURS[info.status]};border-radius:3px;` +
    `padding:0 5px;font-size:11px">${statusText(info.status, stale)}</span>` +
    (stale
      ? ` <span style="color:#d62728;font-size:11px">its process is gone; ` +
        `<code>deno task tidy</code> ends it</span>`
      : "") +
    `</div>` +
    `<div style="color:#666;font-size:11px">run ${info.runId} · experiment ${
      escapeHtml(info.experimentId)
    } · ${formatTime(info.startTime)} · ${duration(info)}</div>` +
    table("Params", byKey(Object.entries(data.params))) +
    table("Metrics", byKey(Object.entries(data.metrics)).map(([k, v]) => [k, formatMetric(v)])) +
    table("Tags", byKey(userTags)) +
    table(
      "Registered model versions",
      modelVersions.map((v) => [
        v.name,
        `version ${v.version}${v.aliases.map((a) => ` · @${a}`).join("")}`,
      ]),
    ) +
    `</div>`;
}
